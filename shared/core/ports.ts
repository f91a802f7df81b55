/** Ports every flow uses: time, waiting, and the event bus. Adapters in shared/aws implement them. */

export interface EventPublisher {
  /** Throws PublishError when the bus did not accept the event. */
  publish(detailType: string, detail: object): Promise<void>;
}

export type Sleep = (ms: number) => Promise<void>;
export type Clock = () => Date;
