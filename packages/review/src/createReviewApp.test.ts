import { join } from "node:path";
import { openStore } from "@jixiao/store";
import { reviewServerContract } from "./reviewServerContract.js";

reviewServerContract("review server over PGlite", (dir) => openStore({ kind: "pglite", dataDir: join(dir, "store") }));
