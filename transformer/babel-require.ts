// require("micrograd-ts/babel"), as Babel and babel-jest load plugins: the Babel plugin, after
// checking its one import that Babel itself does not provide. @babel/helper-module-imports comes
// with @babel/core in a flat node_modules, but not where only declared packages are visible
// (pnpm, Yarn Plug'n'Play); there a missing one is named with its npm install line instead of
// a bare "Cannot find module". CommonJS only: an ES module cannot check before its imports load.

import { checkPeers } from "../node/peers.js";

checkPeers(require.resolve, "micrograd-ts/babel", ["@babel/helper-module-imports"]);

module.exports = require("./babel/index.js");
