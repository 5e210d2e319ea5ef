import { expect, test } from "@playwright/test";
import { guardNetwork } from "./support/network-guard";

// The browser reaches the message node on the app's own origin, over Connect.
test("the page and the node share one origin and nothing leaves the machine", async ({
  context,
  page,
}) => {
  const escaped = await guardNetwork(context);
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Messenger" })).toBeVisible();

  const info = await page.evaluate(async () => {
    const res = await fetch("/messenger.node.v1.NodeApi/GetNodeInfo", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    return { status: res.status, body: await res.json() };
  });
  expect(info.status).toBe(200);
  expect(Number(info.body.maxMessageBytes)).toBe(1048214);
  expect(escaped).toEqual([]);
});
