#!/usr/bin/env node
// Stops or starts this checkout's own local Kafka broker (tools/infra/kafka.mjs), for the
// chaos run's broker rolls: `node tools/chaos/broker.mjs <stop|start|pid>`. The data
// directory is kept, so a restart is a roll, not a wipe. It never touches a broker this
// checkout did not start (.kafka/kafka.pid), so KAFKA_LOCAL_PORT must name the port `up` used.
import { InfraError } from '../infra/common.mjs';
import {
  findJava,
  LOCAL_BROKERS,
  runningBrokerPid,
  startBroker,
  stopBroker,
  writeKafkaConfig,
} from '../infra/kafka.mjs';

async function main(command) {
  // The stack talks to KAFKA_BROKERS: rolling another broker (another KAFKA_LOCAL_PORT)
  // would test nothing, and restarting with another port would move ours.
  if (process.env.KAFKA_BROKERS !== LOCAL_BROKERS) {
    throw new InfraError(
      `KAFKA_BROKERS (${process.env.KAFKA_BROKERS}) is not this checkout's local broker (${LOCAL_BROKERS}); set KAFKA_LOCAL_PORT as for \`up\``,
    );
  }
  switch (command) {
    case 'pid': {
      const pid = runningBrokerPid();
      if (!pid) throw new InfraError('no broker of this checkout is running (.kafka/kafka.pid)');
      return String(pid);
    }
    case 'stop': {
      if (!runningBrokerPid()) throw new InfraError('no broker of this checkout is running (.kafka/kafka.pid)');
      return stopBroker();
    }
    case 'start': {
      const java = findJava();
      if (java.missing) throw new InfraError(`missing ${java.missing}`);
      writeKafkaConfig();
      return `started pid ${await startBroker(java.java)}`;
    }
    default:
      throw new InfraError(`usage: node tools/chaos/broker.mjs <stop|start|pid> (got ${command})`);
  }
}

main(process.argv[2]).then(
  (line) => {
    process.stdout.write(`${line}\n`);
    process.exit(0);
  },
  (err) => {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  },
);
