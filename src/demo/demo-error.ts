/** A problem the demo explains to the person running it, without a stack trace. */
export class DemoError extends Error {}
