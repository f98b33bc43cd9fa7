// Shared helpers of the template generator: a seeded random source, exact decimal money
// arithmetic (元 ↔ 万元 without float drift), number styles, label synonyms and office names.

// ---------------------------------------------------------------- seeded choice

/** 32-bit FNV-1a hash of a string. */
export function hash(s) {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** mulberry32: a small deterministic generator returning floats in [0, 1). */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A chooser keyed by a string: the same (seed, key) always picks the same member. */
export function chooser(seed) {
  return (key, list) => list[hash(`${seed}|${key}`) % list.length];
}

// ---------------------------------------------------------------- exact decimals

/** A money value with at most two decimals as integer cents (BigInt). */
export function toCents(n) {
  const s = Number(n).toFixed(2);
  const neg = s.startsWith("-");
  const [i, f] = (neg ? s.slice(1) : s).split(".");
  const c = BigInt(i) * 100n + BigInt(f);
  return neg ? -c : c;
}

/** Integer cents as a decimal string with two decimals. */
export function centsToString(c) {
  const neg = c < 0n;
  const a = neg ? -c : c;
  return (neg ? "-" : "") + String(a / 100n) + "." + String(a % 100n).padStart(2, "0");
}

/** Whole 元 (BigInt) as a 万元 string with 2–4 decimals (exact). */
export function yuanToWan(y) {
  const neg = y < 0n;
  const a = neg ? -y : y;
  let frac = String(a % 10000n).padStart(4, "0");
  while (frac.length > 2 && frac.endsWith("0")) frac = frac.slice(0, -1);
  return (neg ? "-" : "") + String(a / 10000n) + "." + frac;
}

/** Rounds cents to whole 元, half up (BigInt). */
export const centsToYuan = (c) => (c >= 0n ? (c + 50n) / 100n : -((-c + 50n) / 100n));

/** executed / budget in percent, rounded half up to two decimals (both in cents). */
export function rate2(executedCents, budgetCents) {
  if (budgetCents === 0n) return null;
  const num = executedCents * 10000n * 2n + budgetCents;
  const h = num / (2n * budgetCents);
  return Number(h) / 100;
}

// ---------------------------------------------------------------- number styles

export function group(s) {
  const neg = s.startsWith("-");
  const [int, frac] = (neg ? s.slice(1) : s).split(".");
  const g = int.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return (neg ? "-" : "") + g + (frac !== undefined ? "." + frac : "");
}

/** Half-width digits and number punctuation → full-width (１２３．４５％). */
export function fullWidth(s) {
  return String(s).replace(/[0-9.,%\-]/g, (ch) =>
    ch === "-" ? "－" : String.fromCharCode(ch.charCodeAt(0) + 0xfee0));
}

/** Shortest exact decimal of a number with at most 2 decimals: 7.5, 100, 99.92. */
export const short = (n) => String(n);
/** Two decimals when exact: 7.50, 100.00. */
export function two(n) {
  const s = Number(n).toFixed(2);
  return Number(s) === n ? s : String(n);
}

// ---------------------------------------------------------------- other offices

/** [province+city prefix, district, district short name] replacing 上海市 / 普陀区 / 普陀. */
export const OFFICES = [
  ["江苏省南京市", "江宁区", "江宁"],
  ["浙江省杭州市", "西湖区", "西湖"],
  ["广东省深圳市", "南山区", "南山"],
  ["四川省成都市", "武侯区", "武侯"],
  ["湖北省武汉市", "洪山区", "洪山"],
  ["山东省青岛市", "崂山区", "崂山"],
  ["福建省厦门市", "思明区", "思明"],
  ["陕西省西安市", "雁塔区", "雁塔"],
  ["天津市", "河西区", "河西"],
  ["重庆市", "渝北区", "渝北"],
  ["北京市", "海淀区", "海淀"],
  ["河南省郑州市", "金水区", "金水"],
  ["湖南省长沙市", "岳麓区", "岳麓"],
  ["辽宁省大连市", "沙河口区", "沙河口"],
];

/** Replaces the sample district's names in every string of a value (deep copy). */
export function replaceOffice(value, office) {
  const [city, district, short] = office;
  const fix = (s) =>
    s.replaceAll("上海市普陀区", city + district)
      .replaceAll("普陀区", district)
      .replaceAll("普陀", short)
      .replaceAll("上海市", city);
  const walk = (v) => {
    if (typeof v === "string") return fix(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value);
}

// ---------------------------------------------------------------- labels

/** Canonical label first; synonyms after it. `{Y}` is the fiscal year. */
export const LABELS = {
  project: {
    title: ["财政项目支出绩效自评表", "项目支出绩效自评表", "{Y}年度项目支出绩效自评表", "专项资金绩效自评表",
      "项目支出绩效自评表（{Y}年度）", "财政支出项目绩效自评表"],
    project_name: ["项目名称", "项目名称", "项 目 名 称"],
    competent: ["主管部门", "主管单位", "预算部门", "主管部门（单位）"],
    implementing: ["实施单位", "项目实施单位", "执行单位", "实施单位（部门）"],
    funds: ["项目资金", "资金情况", "项目资金情况", "预算执行情况"],
    total: ["年度资金总额", "资金总额", "年度资金总额合计"],
    fiscal: ["其中：当年财政拨款", "其中：财政拨款", "当年财政拨款", "其中:本年财政拨款"],
    carryover: ["上年结转资金", "上年结余结转资金", "结转资金"],
    other: ["其他资金", "其他资金来源", "其它资金"],
    initial: ["年初预算数", "年初预算", "年初预算金额"],
    annual: ["全年预算数", "调整后预算数", "全年预算", "预算调整数"],
    executed: ["全年执行数", "实际执行数", "全年实际支出", "实际支出数"],
    fweight: ["分值", "权重", "满分"],
    rate: ["执行率", "预算执行率", "执行率（%）", "执行率(%)"],
    fscore: ["得分", "自评得分", "评分"],
    goals: ["年度总体目标", "年度总目标", "总体目标", "年度绩效目标"],
    expected: ["预期目标", "年度预期目标", "目标内容"],
    actual: ["实际完成情况", "目标实际完成情况", "实际完成", "完成情况"],
    section: ["绩效指标", "绩效指标", "年度绩效指标"],
    l1: ["一级指标", "一级指标", "一 级 指 标"],
    l2: ["二级指标", "二级指标", "二 级 指 标"],
    name: ["三级指标", "指标名称", "具体指标", "三级指标名称"],
    target: ["年度指标值", "指标值", "目标值", "年度目标值", "预期指标值"],
    iactual: ["实际完成值", "实际值", "完成值", "全年完成值", "实际完成指标值"],
    weight: ["分值", "权重", "满分", "分值（分）"],
    score: ["得分", "自评得分", "评分", "得分（分）"],
    deviation: ["偏差原因分析及改进措施", "偏差原因及改进措施", "未完成原因和改进措施", "偏差原因分析", "未完成原因分析及改进措施"],
    sum: ["总分", "合计", "总计", "自评总分"],
  },
  department: {
    title: ["部门（单位）整体支出绩效自评表", "部门整体支出绩效自评表", "部门整体支出绩效自评情况表",
      "{Y}年度部门整体支出绩效自评表", "单位整体支出绩效自评表", "部门(单位)整体支出绩效自评表"],
    name: ["部门名称", "部门（单位）名称", "单位名称", "预算单位", "部门(单位)名称"],
    units: ["下属单位个数", "下属单位数", "所属单位数", "下属单位数量"],
    spending: ["整体支出规模", "整体支出情况", "部门支出规模", "支出规模"],
    fiscal: ["资金来源：（1）财政拨款", "资金来源:(1)财政拨款", "资金来源：1.财政拨款", "按来源：（1）财政拨款"],
    other: ["（2）其他资金", "(2)其他资金", "2.其他资金", "（2）其他资金"],
    basic: ["资金结构：（1）基本支出", "资金结构:(1)基本支出", "资金结构：1.基本支出", "按结构：（1）基本支出"],
    project: ["（2）项目支出", "(2)项目支出", "2.项目支出", "（2）项目支出"],
    annual: ["全年预算数", "调整后预算数", "全年预算", "年度预算数"],
    executed: ["全年执行数", "实际执行数", "全年实际支出", "实际支出数"],
    rate: ["执行率(%)", "执行率（%）", "预算执行率(%)", "执行率"],
    goals: ["年度总目标", "年度总体目标", "年度目标", "整体绩效目标"],
    expected: ["年初设定目标", "预期目标", "年度目标", "年初目标"],
    actual: ["全年完成情况", "实际完成情况", "目标完成情况", "全年实际完成情况"],
    split: ["分解目标自评", "绩效指标完成情况", "年度绩效指标", "分解目标"],
    l1: ["一级指标", "一级指标"],
    // the level-1 weight and the indicator weight columns must not share a word
    weights: [["权重", "分值"], ["权重", "满分"], ["一级权重", "分值"], ["权重（分）", "分值（分）"]],
    l2: ["二级指标", "二级指标"],
    iname: ["三级指标", "指标名称", "具体指标", "三级指标名称"],
    target: ["年度指标值", "指标值", "目标值", "年度目标值"],
    iactual: ["全年完成值", "实际值", "完成值", "实际完成值"],
    score: ["得分", "自评得分", "评分"],
    deviation: ["偏差及原因分析", "偏差原因分析", "偏差原因及改进措施", "未完成原因和改进措施"],
    sum: ["总分", "合计", "总计", "自评总分"],
  },
  assessment: {
    title: ["项目绩效自评价", "项目绩效自评价表", "项目支出绩效自评价报告（表）", "项目绩效自评价情况表", "项目支出绩效自评价表"],
    name: ["项目名称", "项目名称"],
    unit: ["预算单位", "单位名称", "预算部门", "预算单位名称"],
    office: ["具体实施处（科室）", "实施处（科室）", "具体实施科室", "实施处室", "具体实施处(科室)"],
    recurring: ["是否为经常性项目", "是否经常性项目", "是否为经常性项目（是/否）"],
    current: ["当年预算数", "本年预算数", "当年预算金额"],
    previous: ["上年预算金额", "上年预算数", "上年度预算金额"],
    executed: ["预算执行数", "实际执行数", "执行数"],
    rate: ["预算执行率（%）", "执行率（%）", "预算执行率(%)", "预算执行率"],
    goal: ["项目年度总目标", "年度总目标", "项目年度目标", "年度绩效目标"],
    date: ["自评时间", "评价时间", "自评日期"],
    grade: ["绩效等级", "评价等级", "绩效评级"],
    achievements: ["主要绩效", "主要成效", "取得的主要绩效"],
    problems: ["主要问题", "存在问题", "存在的主要问题"],
    improvements: ["改进措施", "下一步改进措施", "整改措施"],
    l1: ["一级指标", "一级指标"],
    iname: ["指标名称", "具体指标", "三级指标", "二级指标"],
    explanation: ["指标解释", "指标说明", "指标内涵"],
    weight: ["权重", "分值", "满分", "权重（分）"],
    score: ["自评分", "自评得分", "得分", "评分"],
    note: ["备注", "说明", "备 注"],
    sum: ["合计", "总计", "总分", "自评总分"],
  },
};
