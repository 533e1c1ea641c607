package org.civicos.workers.notification.template;

import java.util.List;

/**
 * A function callable from a template, described by Go-like parameter types so that argument validation and its
 * error messages follow {@code text/template}.
 */
record GoFunc(String name, List<Param> params, boolean variadic, boolean builtin, Impl impl) {

    /** Parameter types: {@code string}, {@code interface{}}, or {@code reflect.Value} (raw evaluation value). */
    enum Param {
        STRING, ANY, VALUE
    }

    @FunctionalInterface
    interface Impl {
        Object apply(List<Object> args) throws CallError;
    }

    /** An error returned by the function: reported as {@code error calling <name>: <message>}. */
    static final class CallError extends Exception {
        private static final long serialVersionUID = 1L;

        CallError(String message) {
            super(message, null, false, false);
        }
    }

    static GoFunc of(String name, List<Param> params, boolean variadic, Impl impl) {
        return new GoFunc(name, params, variadic, false, impl);
    }

    static GoFunc builtin(String name, List<Param> params, boolean variadic, Impl impl) {
        return new GoFunc(name, params, variadic, true, impl);
    }
}
