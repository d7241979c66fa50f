require('reflect-metadata');
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
process.env.LOG_LEVEL = process.env.LOG_LEVEL || 'warn';
