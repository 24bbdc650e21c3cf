import { useRef } from 'react';

/** A button that picks one JSON file (a scenario, a report) through a hidden file input, and hands it over. */
export function JsonFileButton(props: { label: string; title?: string; className?: string; testId: string; inputTestId: string; onFile: (f: File) => void }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button className={props.className} onClick={() => input.current?.click()} data-testid={props.testId} title={props.title}>
        {props.label}
      </button>
      <input
        ref={input}
        type="file"
        accept=".json,application/json"
        hidden
        data-testid={props.inputTestId}
        onChange={(e) => {
          const f = e.target.files?.[0];
          e.target.value = ''; // the same file again is a new pick
          if (f) props.onFile(f);
        }}
      />
    </>
  );
}
