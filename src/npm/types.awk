# The wasm-bindgen declarations made to type-check under any `lib` with `skipLibCheck: false` (run by `make pkg`):
# - `[Symbol.dispose](): void` needs lib esnext.disposable (4 errors under es2022): each class gets the method
#   through `Disposal` instead, which is the method where the consumer's lib declares `Symbol.dispose` and
#   nothing where it does not (the runtime has it either way);
# - the raw `InitOutput` exports are typed `unknown` rather than `any`.
/^export class / { name = $3 }
/^ +\[Symbol\.dispose\]\(\): void;$/ { disposable[++n] = name; next }
/^ +readonly [A-Za-z0-9_]+: \(/ { gsub(/: any/, ": unknown") }
{ print }
END {
  if (n) {
    print ""
    print "/** `[Symbol.dispose]()` (as `free()`) where the lib declares `Symbol.dispose`: `using` works there. */"
    print "type Disposal = SymbolConstructor extends { readonly dispose: infer D extends symbol } ? { [K in D]: () => void } : {};"
    for (i = 1; i <= n; i++) print "export interface " disposable[i] " extends Disposal {}"
    print "export {};"
  }
}
