// Build-time steps that need the vendored Pyodide itself (run under Node by scripts/runtime_files.py).
//
//   node scripts/runtime/pyodide_runtime.mjs JOB.json
//
// JOB.json: {"command": "discover" | "snapshot", "pyodide_dir": "...", "wheel": "...", "data_dir": "...",
//            "stdlib": "path to the stdlib zip to start with", "snapshot": "path" (snapshot only),
//            "requests": [{"id": "...", "request": {...}}, ...]}
//
// discover: start Python with the full stdlib, install the wheel, answer every request, list every
//   module that came from the stdlib zip, and write those (minified) as the trimmed zip ("trimmed").
// snapshot: start Python with the trimmed stdlib, install the wheel, import the calculator (but do
//   install the policy data: the worker writes it after restore), write a memory snapshot; then
//   answer every request twice more, from that snapshot and from a bare start with the trimmed
//   stdlib, so the build can compare both with the full-stdlib answers.
// The data (data_dir: core.json and regions/<id>.json) is written where the calculator reads it,
// after the wheel, as the site's worker does (install_data.mjs).
// Prints one JSON object on stdout.
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { installData } from "./install_data.mjs";

// Run in Python after a start: names of the modules loaded from the stdlib zip, relative to it.
const LIST_STDLIB_MODULES = `
import sys
_zip = sys.path[[p.endswith('.zip') for p in sys.path].index(True)]
_found = set()
for _module in list(sys.modules.values()):
    _file = getattr(_module, '__file__', None) or ''
    if _file.startswith(_zip + '/'):
        _found.add(_file[len(_zip) + 1:])
sorted(_found)
`;

// Run in Python (3.14, the version whose syntax the stdlib uses) after _modules, _source and
// _target are set: a zip of only those modules, their docstrings emptied and their comments
// dropped (ast.unparse), each folder entry kept. Tracebacks then show other line numbers; the
// answers are checked to be the same.
const WRITE_TRIMMED_STDLIB = `
import ast, zipfile
def _minify(text):
    tree = ast.parse(text)
    for node in ast.walk(tree):
        body = getattr(node, 'body', None)
        if (isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and body
                and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
                and isinstance(body[0].value.value, str)):
            body[0].value.value = ''
    return ast.unparse(tree) + '\\n'
_wanted = set(_modules)
for _module in _modules:
    _parts = _module.split('/')[:-1]
    _wanted.update('/'.join(_parts[:i + 1]) + '/' for i in range(len(_parts)))
with zipfile.ZipFile(_source) as _full, zipfile.ZipFile(_target, 'w') as _out:
    for _info in _full.infolist():
        if _info.filename not in _wanted:
            continue
        _data = _full.read(_info)
        if _info.filename.endswith('.py'):
            _data = _minify(_data.decode('utf-8')).encode('utf-8')
        _copy = zipfile.ZipInfo(_info.filename, date_time=(1980, 1, 1, 0, 0, 0))
        _copy.external_attr = _info.external_attr
        _copy.compress_type = zipfile.ZIP_STORED if _info.is_dir() else zipfile.ZIP_DEFLATED
        _copy.compress_level = 9
        _out.writestr(_copy, _data)
`;

// Import what the calculator imports, and the modules Pyodide itself loads lazily when a Python
// error crosses into JavaScript (so that an error is reported, not a ModuleNotFoundError).
const IMPORT_CALCULATOR = "import calculator.api";

function answerAll(pyodide, requests) {
  const api = pyodide.pyimport("calculator.api");
  const responses = {};
  for (const { id, request } of requests) responses[id] = JSON.parse(api.calculate_json(JSON.stringify(request)));
  api.destroy();
  return responses;
}

function provokeError(pyodide) {
  try {
    pyodide.runPython("raise ValueError('expected')");
  } catch (error) {
    if (!String(error.message).includes("ValueError")) throw error;
  }
}

// Freed memory keeps what was last written there (source text and syntax trees from the imports),
// and the snapshot holds all of it. Take every free block malloc can give without growing the
// memory (a restored snapshot cannot be larger than the memory Pyodide starts with), largest
// first, zero it, and give it all back: the snapshot then compresses to much less.
function zeroFreeMemory(pyodide) {
  const module = pyodide._module;
  const heapBefore = module.HEAP8.length;
  module._malloc_set_footprint_limit(module._malloc_footprint());
  const taken = [];
  for (let size = 1 << 24; size >= 16; size = Math.floor(size / 2)) {
    for (;;) {
      const pointer = module._malloc(size);
      if (!pointer) break;
      module.HEAP8.fill(0, pointer, pointer + size);
      taken.push(pointer);
    }
  }
  for (const pointer of taken) module._free(pointer);
  module._malloc_set_footprint_limit(-1);
  if (module.HEAP8.length !== heapBefore) throw new Error("zeroing free memory grew the heap");
  return taken.length;
}

async function start(loadPyodide, job, stdlib, extra) {
  return loadPyodide({
    indexURL: job.pyodide_dir + path.sep,
    stdLibURL: stdlib,
    ...extra,
  });
}

async function main() {
  const jobPath = process.argv[2];
  if (!jobPath) throw new Error("usage: node pyodide_runtime.mjs JOB.json");
  const job = JSON.parse(await readFile(jobPath, "utf8"));
  const { loadPyodide } = await import(pathToFileURL(path.join(job.pyodide_dir, "pyodide.mjs")).href);
  const wheel = new Uint8Array(await readFile(job.wheel));

  if (job.command === "discover") {
    const pyodide = await start(loadPyodide, job, job.stdlib, {});
    pyodide.unpackArchive(wheel, "wheel");
    await installData(pyodide, job.data_dir);
    const responses = answerAll(pyodide, job.requests);
    provokeError(pyodide);
    const modules = pyodide.runPython(LIST_STDLIB_MODULES).toJs();
    pyodide.FS.writeFile("/tmp/full.zip", new Uint8Array(await readFile(job.stdlib)));
    pyodide.globals.set("_modules", pyodide.toPy(modules));
    pyodide.globals.set("_source", "/tmp/full.zip");
    pyodide.globals.set("_target", "/tmp/trimmed.zip");
    pyodide.runPython(WRITE_TRIMMED_STDLIB);
    await writeFile(job.trimmed, pyodide.FS.readFile("/tmp/trimmed.zip"));
    process.stdout.write(JSON.stringify({ modules, responses }));
    return;
  }

  if (job.command === "snapshot") {
    const maker = await start(loadPyodide, job, job.stdlib, { _makeSnapshot: true });
    maker.unpackArchive(wheel, "wheel");
    maker.runPython(IMPORT_CALCULATOR);
    maker.runPython("import gc; gc.collect()");
    zeroFreeMemory(maker);
    const snapshot = maker.makeMemorySnapshot();
    await writeFile(job.snapshot, snapshot);

    const restored = await start(loadPyodide, job, job.stdlib, { _loadSnapshot: snapshot });
    restored.unpackArchive(wheel, "wheel");
    await installData(restored, job.data_dir);
    const fromSnapshot = answerAll(restored, job.requests);
    provokeError(restored);

    const bare = await start(loadPyodide, job, job.stdlib, {});
    bare.unpackArchive(wheel, "wheel");
    await installData(bare, job.data_dir);
    const trimmed = answerAll(bare, job.requests);
    provokeError(bare);
    process.stdout.write(JSON.stringify({ snapshot_bytes: snapshot.length, from_snapshot: fromSnapshot, trimmed }));
    return;
  }
  throw new Error(`unknown command ${job.command}`);
}

main().catch((error) => {
  process.stderr.write(String((error && error.stack) || error) + "\n");
  process.exit(1);
});
