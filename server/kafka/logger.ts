/** The logging the listener needs: pino's call shape (`logger.info(fields, message)`), so a pino logger fits. */
export interface KafkaListenerLogger {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

const ignore = (): void => {};
export const silentLogger: KafkaListenerLogger = { debug: ignore, info: ignore, warn: ignore, error: ignore };
