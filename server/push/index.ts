// Web Push through the node: VAPID identity, registrations, delivery.
export { pushFrom, type PushConfig } from "./config";
export { PushDelivery, type PushPayload } from "./delivery";
export { PushStore } from "./push-store";
export { pushService } from "./push-service";
export { loadVapidKeys, type VapidKeys } from "./vapid";
