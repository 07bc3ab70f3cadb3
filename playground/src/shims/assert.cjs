// Babel's helpers require("assert") and call it as a function (nothing else of Node's module):
// this is that function for the browser. CommonJS, so that require() returns the function itself.
module.exports = function assert(value, message) {
  if (!value) throw new Error(message === undefined ? "Assertion failed" : message);
};
