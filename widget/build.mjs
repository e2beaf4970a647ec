// Builds the widget into web/static/widget/: loader.js (the one tag a clinic embeds) and widget.js (loaded
// when the chat opens, with socket.io-client bundled in). CSS is minified and inlined as text, for
// constructable stylesheets in the shadow root: no <style> element or style attribute a strict CSP blocks.
import { readFile } from "node:fs/promises";
import { build, transform } from "esbuild";

const minifiedCss = {
  name: "minified-css-text",
  setup(plugin) {
    plugin.onLoad({ filter: /\.css$/ }, async (args) => {
      const { code } = await transform(await readFile(args.path, "utf8"), { loader: "css", minify: true });
      return { contents: `export default ${JSON.stringify(code.trim())};`, loader: "js" };
    });
  },
};

const common = {
  bundle: true,
  minify: true,
  format: "iife",
  target: ["chrome100", "firefox100", "safari16"],
  legalComments: "none",
  logLevel: "warning",
  plugins: [minifiedCss],
};

await build({ ...common, entryPoints: ["src/loader.js"], outfile: "../web/static/widget/loader.js" });
await build({ ...common, entryPoints: ["src/widget.js"], outfile: "../web/static/widget/widget.js" });
