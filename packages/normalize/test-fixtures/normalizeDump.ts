import { reconstruct } from "@jixiao/layout";
import type { JxRecord } from "@jixiao/schemas";
import { readTextDump } from "@jixiao/textdump";
import { expect } from "vitest";
import { normalize } from "../src/normalize.js";

/** Test helpers of the normalize tests that read text dumps. */

export const META = { file: "report.txt", sha256: "b".repeat(64) };

/** Text dump → reconstruction → records, as the pipeline runs it. */
export function run(text: string) {
  return normalize(reconstruct(readTextDump(text, META)), META);
}
/** As `run`, with every cell as OCR would give it: read, not printed text (confidence below 1). */
export function runAsOcr(text: string, confidence = 0.997) {
  const doc = readTextDump(text, META);
  for (const page of doc.pages) {
    for (const it of page.items) Object.assign(it, { confidence, origin: "ocr" });
    for (const t of page.tables) for (const c of t.cells) c.confidence = confidence;
  }
  return normalize(reconstruct(doc), META);
}
/** The one record of a dump that normalizes without issues. */
export function only(text: string): JxRecord {
  const { records, issues } = run(text);
  expect(issues).toEqual([]);
  expect(records).toHaveLength(1);
  return records[0]!;
}

type Flag = JxRecord["flags"][number];
export const reviewFlags = (r: JxRecord) => r.flags.filter((f) => f.severity === "review");
export const flagsAt = (r: JxRecord, path: string) => r.flags.filter((f: Flag) => f.path === path);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const inds = (r: JxRecord) => (r as any).indicators as { [k: string]: unknown }[];

// 财政项目支出绩效自评表: head (title, key/values, funds, goals, indicator header) + indicator rows.
// Columns of the indicator part: 0 绩效指标 | 1 一级 | 2 二级 | 3 三级 | 4 年度指标值 | 5 实际完成值 | 6 分值 | 7 得分 | 8 偏差.

export type ProjectOptions = { title?: string; fundsTotal?: string; indicators?: string[]; total?: string };

export const ROW_A = "\t产出指标\t数量指标\t赴对口支援地区工作次数\t≥60 次\t70 次\t30\t30";
// A level-2 label in the level-1 column (the level-2 column is empty).
export const ROW_B = "\t社会效益指标\t\t对口支援工作的支撑作用\t支撑作用明显\t支撑作用明显\t30\t30";
// A row shifted one column to the right: name under 年度指标值, …, score under 偏差.
export const ROW_C = "\t\t\t\t课题对工作的借鉴作用\t借鉴作用强\t借鉴作用强\t20\t20";
export const ROW_D = "\t满意度指标\t服务对象满意度指标\t服务对象满意度\t≥95%\t98%\t10\t10";

export function projectDump(o: ProjectOptions = {}): string {
  return [
    "",
    o.title ?? "财政项目支出 绩效自评表",
    "",
    "（ 2022 年度）",
    "",
    "项目名称\t合作交流工作业务费",
    "主管部门\t上海市人民政府合作交流办公室\t\t\t实施单位\t上海市人民政府驻昆明办事处",
    "项目资金 (元)\t\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分",
    o.fundsTotal ?? "\t年度资金总额\t636,500\t626,500\t506,745.04\t10\t80.88%\t8.09",
    "\t其中：当年财政拨款\t636,500\t626,500\t506,745.04\t-\t-\t-",
    "\t上年结转资金\t-\t-\t-\t-\t-\t-",
    "\t其他资金\t0\t0\t\t—\t\t",
    "年度 总体 目标\t预期目标\t\t\t实际完成情况",
    "\t<p>确保对口支援工作顺利开展。</p>\t\t\t<p>推进了课题项目的顺利 完成。</p>",
    "绩效 指标\t一级 指标\t二级 指标\t三级 指标\t年度 指标值\t实际 完成值\t分 值\t得 分\t偏差原因分析 及改进措施",
    ...(o.indicators ?? [ROW_A, ROW_B, ROW_C, ROW_D]),
    o.total ?? "总分\t\t\t\t\t\t100\t98.09",
    "",
  ].join("\n");
}

// ---------------------------------------------------------------------------------------------

export const DEPARTMENT = `
### 《部门（单位）整体支出绩效自评表》

(2024年度)

部门名称\t\t上海市普陀区人民政府办公室\t\t下属单位个数\t\t1
整体支出规模（元）\t\t\t全年预算数\t\t全年执行数\t\t执行率(%)
\t资金来源：（1）财政拨款\t\t113,569,961.85\t\t107,247,165.67\t\t94.43
\t（2）其他资金\t\t0.00\t\t0.00\t\t0.00
\t资金结构：（1）基本支出\t\t26,880,908.77\t\t24,931,946.30\t\t92.74
\t（2）项目支出\t\t86,689,053.08\t\t82,315,219.37\t\t94.95
年度总目标\t年初设定目标\t\t\t全年完成情况
\t<p>组织起草文件。</p>\t\t\t<p>全力开创“三服务”事业新局面。</p>
分解目标自评
一级指标\t权重\t二级指标\t三级指标\t年度指标值\t全年完成值\t分值\t得分\t偏差及原因分析
投入管理指标\t30\t预算编审管理\t根据沪财绩【2022】13号文的规定要求设置三级指标和指标值\t\t\t20.00\t20.00
\t\t预算执行管理\t\t\t\t10.00\t10.00
产出指标\t40\t数量指标\t(对口支援)项目协商审批完成率\t=100.00%\t100.00%\t40.00\t40.00
满意度指标\t30\t服务对象满意度指标\t(对口支援)相关方满意度\t≥96.00%\t98.00%\t30.00\t29.00
总分\t\t\t\t100\t99
`;

// ---------------------------------------------------------------------------------------------

export const ASSESSMENT = `
项目绩效自评价
项目名称： 对口支援专项经费 预算单位： 上海市普陀区人民政府办公室

具体实施处（科室）： 对口支援科 是否为经常性项目： 是

当年预算数（元）： 19,725,000.00 上年预算金额（元）： 9,220,000.00

预算执行数（元）： 19,725,000.00 预算执行率（%）： 100.00%

项目年度总目标：
加快推进东西部扶贫协作和对口支援地区乡村治理体系和治理能力现代化，走中
国特色社会主义乡村振兴道路。

自评时间： 2022-03-11

绩效等级： 优

主要绩效：
2021年，普陀区坚持“民生为本”的工作方针。

主要问题： 对服务的效果还需要进一步分析改进

改进措施： 进一步开展面对用户的调查。

一级指标 指标名称 指标解释 权重 自评分 备注

产出指标
(45分)

资金到位率 10 10

预算执行率
预算执行率是对预算执行情
况进行考核的指标

35 35

效益指标
(35分)

综合业务开展完成率 35 34

满意度指标
(20分)

综合业务人员满意度 20 19

合计 100 98
`;
