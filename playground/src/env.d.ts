/// <reference types="vite/client" />

// @babel/preset-typescript ships no types: to Babel it is a preset like any other.
declare module "@babel/preset-typescript" {
  const preset: import("@babel/core").PluginItem;
  export default preset;
}
