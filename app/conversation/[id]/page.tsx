import { redirect } from "next/navigation";

// Old links: every conversation is served by the one /conversations shell.
export default async function ConversationRedirect({
  params,
}: {
  params: Promise<{ id: string }>;
}) {
  const { id } = await params;
  redirect(`/conversations?c=${encodeURIComponent(id)}`);
}
