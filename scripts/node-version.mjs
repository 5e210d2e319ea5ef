// The project targets Node 24 (the `node` devDependency puts it first on PATH
// under `npm run`); fail early with a sentence instead of an obscure error later.
export function requireNode24() {
  const major = Number(process.versions.node.split(".")[0]);
  if (major !== 24) {
    console.error(
      `This project runs on Node 24, but this is Node ${process.versions.node}. ` +
        "Run it through npm (npm start / npm test), which uses the Node 24 from node_modules.",
    );
    process.exit(1);
  }
}
