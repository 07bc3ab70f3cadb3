// The editor: CodeMirror 6 with TypeScript highlighting, the error of the last run marked at its
// line and column, and a callback on every change.

import { javascript } from "@codemirror/lang-javascript";
import { type Diagnostic, lintGutter, setDiagnostics } from "@codemirror/lint";
import { EditorState } from "@codemirror/state";
import { basicSetup, EditorView } from "codemirror";

export interface Editor {
  view: EditorView;
  text(): string;
  setText(text: string): void;
  /** Marks the error at a 1-based line and column (or clears the marks with null). */
  markError(error: { line: number; column?: number; message: string } | null): void;
}

export function createEditor(parent: HTMLElement, onChange: (text: string) => void): Editor {
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: "",
      extensions: [
        basicSetup,
        javascript({ typescript: true }),
        lintGutter(),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) onChange(update.state.doc.toString());
        }),
        EditorView.contentAttributes.of({ "aria-label": "TypeScript program" }),
      ],
    }),
  });

  return {
    view,
    text: () => view.state.doc.toString(),
    setText(text) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
    },
    markError(error) {
      const diagnostics: Diagnostic[] = [];
      if (error && error.line >= 1 && error.line <= view.state.doc.lines) {
        const line = view.state.doc.line(error.line);
        const from = Math.min(line.from + Math.max(0, (error.column ?? 1) - 1), line.to);
        diagnostics.push({ from, to: Math.max(from, line.to), severity: "error", message: error.message });
      }
      view.dispatch(setDiagnostics(view.state, diagnostics));
    },
  };
}
