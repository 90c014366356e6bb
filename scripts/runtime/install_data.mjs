// The calculator's compiled data written into Pyodide's files where the calculator reads it
// (calculator/data/core.json and calculator/data/regions/<id>.json), after the wheel is unpacked:
// the wheel carries code only, as on the site, whose worker writes the same files.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";

export async function installData(pyodide, dataDir) {
  if (!dataDir) throw new Error("no data_dir: the calculator's data (core.json, regions/) is needed");
  const target = pyodide.runPython("import calculator, os; os.path.join(os.path.dirname(calculator.__file__), 'data')");
  pyodide.FS.mkdirTree(target + "/regions");
  pyodide.FS.writeFile(target + "/core.json", new Uint8Array(await readFile(path.join(dataDir, "core.json"))));
  for (const name of await readdir(path.join(dataDir, "regions"))) {
    if (!name.endsWith(".json")) continue;
    const bytes = new Uint8Array(await readFile(path.join(dataDir, "regions", name)));
    pyodide.FS.writeFile(target + "/regions/" + name, bytes);
  }
}
