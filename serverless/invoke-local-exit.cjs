// A local plugin: when a command fails, dispose serverless-esbuild's build contexts. serverless-esbuild
// disposes them in its `after:` hooks, which a failed command never reaches; the esbuild service they hold
// then keeps the process alive, so `serverless invoke local` with a broken configuration printed its
// error and never exited. With this, it exits non-zero at once.
class InvokeLocalExit {
  constructor(serverless) {
    this.hooks = {
      error: async () => {
        const esbuild = serverless.pluginManager.plugins.find(
          (plugin) => typeof plugin.disposeContexts === 'function',
        );
        await esbuild?.disposeContexts();
      },
    };
  }
}

module.exports = InvokeLocalExit;
