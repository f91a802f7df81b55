import { main } from '../../cli/routekeeper/main';

/** `routekeeper` in-process, as a user's terminal would see it: exit code, stdout and stderr. */
export const invokeMain = async (argv: string[], env: NodeJS.ProcessEnv = {}) => {
  let out = '';
  let err = '';
  const code = await main(argv, {
    out: (text) => {
      out += text;
    },
    err: (text) => {
      err += text;
    },
    env,
  });
  return { code, out, err };
};
