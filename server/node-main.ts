// `npm run node`: the message node's API alone (several can share one PostgreSQL
// database behind a load balancer).
import { fail, serve } from "./serve";

serve({ role: "node" }).catch(fail);
