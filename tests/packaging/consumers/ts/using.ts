// Where the lib declares `Symbol.dispose` (esnext), the package's classes are Disposable: `using` frees them.
import { Policy } from "rolegate";

export function roleCount(text: string): number {
  using policy = Policy.fromJson(text);
  using set = policy.compileRoles([]);
  return policy.roles().length + set.levels().length;
}
