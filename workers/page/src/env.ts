/** Environment variable through which the worker hands its validated configuration to its sandboxed children. */
export const WORKER_CONFIG_ENV = "JIXIAO_WORKER_CONFIG";
