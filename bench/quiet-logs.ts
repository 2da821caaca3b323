// Imported first by run.ts: the handlers' logger reads LOG_LEVEL when its module loads.
// An INFO line per stored and per placed call would put thousands of lines between the
// figures; warnings and errors still show, so a failing run is not silent.
process.env.LOG_LEVEL ??= 'WARN';
