export { type CliMetadata, exportModel, predict, type TrainOptions, train } from './commands.js';
export { CliError, numberAt, readTable, type Table } from './table.js';
