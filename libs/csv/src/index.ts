export * from './csv';
export * from './csv-reader';
