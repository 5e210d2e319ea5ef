"use client";
import { useState, type ReactNode } from "react";
import type { GroupDetails } from "@/lib/client";
import { buttonStyles, focusRing } from "@/components/ui/button-styles";
import { Dialog } from "@/components/ui/dialog";
import { BackIcon } from "@/components/ui/icons";
import { Spinner } from "@/components/ui/spinner";
import { ActionError } from "./action-error";
import { GroupAvatar, groupTitle } from "./group-avatar";
import { GroupEditForm } from "./group-edit-form";
import { GroupImage } from "./group-image";
import { GroupMembers } from "./group-members";
import { GroupPermissions } from "./group-permissions";
import { MemberPicker } from "./member-picker";
import { whyNot, whyNotTo } from "./permission-copy";
import { useGroupAction, type GroupAction } from "./use-group-action";
import { InviteLinks } from "@/components/invites/invite-links";

type View = "main" | "edit" | "add" | "permissions" | "leave" | "invites";
const TITLES: Record<View, string> = {
  main: "Group info",
  edit: "Edit group",
  add: "Add members",
  permissions: "Permissions",
  leave: "Leave group?",
  invites: "Invite link",
};

/** The group's info, members and roles, permissions, and leaving — one dialog, several views. */
export function GroupInfoDialog({
  open,
  onClose,
  conversationId,
  details,
}: {
  open: boolean;
  onClose: () => void;
  conversationId: string;
  details: GroupDetails;
}) {
  const [view, setView] = useState<View>("main");
  const [leaveAsked, setLeaveAsked] = useState(false);
  const action = useGroupAction(conversationId);
  const close = () => {
    setView("main");
    action.clearError();
    onClose();
  };
  const go = (v: View) => {
    action.clearError();
    setView(v);
  };
  return (
    <Dialog open={open} onClose={close} title={TITLES[view]}>
      {view !== "main" && (
        <button
          type="button"
          className={`-mt-2 mb-3 inline-flex items-center gap-1 rounded-lg text-sm font-medium text-indigo-700 dark:text-indigo-300 ${focusRing}`}
          onClick={() => go("main")}
        >
          <BackIcon className="h-4 w-4" /> Group info
        </button>
      )}
      {view === "main" && (
        <MainView
          id={conversationId}
          details={details}
          action={action}
          go={go}
          leaveAsked={leaveAsked}
        />
      )}
      {view === "edit" && (
        <GroupEditForm details={details} action={action} onDone={() => go("main")} />
      )}
      {view === "add" && <AddMembers details={details} action={action} onDone={() => go("main")} />}
      {view === "permissions" && <GroupPermissions details={details} action={action} />}
      {view === "invites" && <InviteLinks groupId={conversationId} details={details} />}
      {view === "leave" && (
        <LeaveView
          details={details}
          action={action}
          onCancel={() => go("main")}
          onLeft={() => {
            setLeaveAsked(true);
            go("main");
          }}
        />
      )}
      {view !== "edit" && <ActionError message={action.error} />}
    </Dialog>
  );
}

function Section({
  title,
  aside,
  children,
}: {
  title: string;
  aside?: ReactNode;
  children: ReactNode;
}) {
  return (
    <section className="mt-5 border-t border-zinc-100 pt-4 dark:border-zinc-800">
      <div className="flex items-center justify-between gap-2">
        <h3 className="text-sm font-semibold">{title}</h3>
        {aside}
      </div>
      {children}
    </section>
  );
}

function MainView({
  id,
  details: d,
  action,
  go,
  leaveAsked,
}: {
  id: string;
  details: GroupDetails;
  action: GroupAction;
  go: (v: View) => void;
  leaveAsked: boolean;
}) {
  const editBlocked =
    !d.can.update_group_name.allowed &&
    !d.can.update_description.allowed &&
    !d.can.update_image_url.allowed
      ? whyNotTo(d.can.update_group_name, "edit this group")
      : undefined;
  const addBlocked =
    whyNot(d.can.add_member, "add_member") ??
    (d.members.length >= d.maxMembers
      ? `A group holds at most ${d.maxMembers} members.`
      : undefined);
  const leaveBlocked = leaveAsked ? undefined : whyNot(d.can.leave, "leave");
  // The link adds people in its maker's name: only admins who may add make them.
  const inviteBlocked =
    d.myRole === "member"
      ? "Only the group's admins can make invite links."
      : whyNot(d.can.add_member, "add_member");
  return (
    <div>
      {!d.active && (
        <p
          role="status"
          className="mb-4 rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-500/10 dark:text-amber-200"
        >
          You&apos;re no longer a member of this group. What was said before stays on this device.
        </p>
      )}
      <div className="flex items-start gap-3">
        <GroupAvatar id={id} name={d.name} size="lg" />
        <div className="min-w-0 flex-1">
          <p data-testid="group-info-name" className="text-lg font-semibold break-words">
            {groupTitle(d.name)}
          </p>
          {d.description && (
            <p className="mt-0.5 text-sm break-words whitespace-pre-wrap text-zinc-600 dark:text-zinc-400">
              {d.description}
            </p>
          )}
        </div>
      </div>
      {d.imageUrl && <GroupImage url={d.imageUrl} />}
      <div className="mt-3">
        <button
          type="button"
          data-testid="edit-group"
          className={buttonStyles.secondary}
          disabled={editBlocked !== undefined}
          aria-describedby={editBlocked ? "edit-blocked" : undefined}
          onClick={() => go("edit")}
        >
          Edit name, description, image
        </button>
        {editBlocked && (
          <p id="edit-blocked" className="mt-1 text-xs text-zinc-500 dark:text-zinc-400">
            {editBlocked}
          </p>
        )}
      </div>
      <Section
        title={`Members · ${d.members.length}`}
        aside={
          <button
            type="button"
            data-testid="add-members"
            className={`${buttonStyles.ghost} text-sm`}
            disabled={addBlocked !== undefined}
            title={addBlocked}
            onClick={() => go("add")}
          >
            Add members
          </button>
        }
      >
        {addBlocked && d.active && (
          <p className="text-xs text-zinc-500 dark:text-zinc-400">{addBlocked}</p>
        )}
        <GroupMembers details={d} action={action} />
      </Section>
      {d.active && (
        <Section title="Invite link">
          <button
            type="button"
            data-testid="group-invites"
            className={`mt-1 flex w-full items-center justify-between rounded-lg py-1.5 text-left text-sm text-zinc-700 hover:text-zinc-950 disabled:cursor-not-allowed disabled:opacity-60 dark:text-zinc-300 dark:hover:text-white ${focusRing}`}
            disabled={inviteBlocked !== undefined}
            aria-describedby={inviteBlocked ? "invite-blocked" : undefined}
            onClick={() => go("invites")}
          >
            <span>Share a link that lets people ask to join</span>
            <BackIcon className="h-4 w-4 rotate-180" />
          </button>
          {inviteBlocked && (
            <p id="invite-blocked" className="mt-1 text-xs text-zinc-500 dark:text-zinc-400">
              {inviteBlocked}
            </p>
          )}
        </Section>
      )}
      <Section title="Permissions">
        <button
          type="button"
          data-testid="group-permissions"
          className={`mt-1 flex w-full items-center justify-between rounded-lg py-1.5 text-left text-sm text-zinc-700 hover:text-zinc-950 dark:text-zinc-300 dark:hover:text-white ${focusRing}`}
          onClick={() => go("permissions")}
        >
          <span>
            Who can add members, edit the group and manage admins
            {d.can.update_permissions.allowed ? "" : " (view only)"}
          </span>
          <BackIcon className="h-4 w-4 rotate-180" />
        </button>
      </Section>
      {d.active && (
        <Section title="Leave">
          {leaveAsked ? (
            <p data-testid="leave-requested" role="status" className="mt-1 text-sm">
              You asked to leave. An admin&apos;s device removes you from the group as soon as it is
              online.
            </p>
          ) : (
            <>
              <button
                type="button"
                data-testid="leave-group"
                className={`${buttonStyles.danger} mt-2`}
                disabled={leaveBlocked !== undefined}
                aria-describedby={leaveBlocked ? "leave-blocked" : undefined}
                onClick={() => go("leave")}
              >
                Leave group
              </button>
              {leaveBlocked && (
                <p id="leave-blocked" className="mt-1 text-xs text-zinc-500 dark:text-zinc-400">
                  {leaveBlocked}
                </p>
              )}
            </>
          )}
        </Section>
      )}
    </div>
  );
}

function AddMembers({
  details,
  action,
  onDone,
}: {
  details: GroupDetails;
  action: GroupAction;
  onDone: () => void;
}) {
  const [picked, setPicked] = useState<string[]>([]);
  const members = details.members.flatMap((m) => m.addresses.map((a) => a.toLowerCase()));
  const room = details.maxMembers - details.members.length;
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void action.run("add", (g) => g.addMembers(picked)).then((ok) => ok && onDone());
      }}
    >
      <MemberPicker picked={picked} onChange={setPicked} members={members} label="Who to add" />
      <p className="mt-2 text-xs text-zinc-500 dark:text-zinc-400">
        They will see messages sent from now on, not the ones before. Room for {room} more.
      </p>
      <div className="mt-4 flex justify-end gap-2">
        <button type="button" className={buttonStyles.ghost} onClick={onDone}>
          Cancel
        </button>
        <button
          type="submit"
          data-testid="confirm-add-members"
          className={buttonStyles.primary}
          disabled={picked.length === 0 || picked.length > room || action.busy !== undefined}
        >
          {action.busy === "add" && <Spinner />}
          Add {picked.length > 0 ? picked.length : ""}
        </button>
      </div>
    </form>
  );
}

function LeaveView({
  details,
  action,
  onCancel,
  onLeft,
}: {
  details: GroupDetails;
  action: GroupAction;
  onCancel: () => void;
  onLeft: () => void;
}) {
  return (
    <div>
      <p className="text-sm text-zinc-700 dark:text-zinc-300">
        You&apos;ll stop receiving messages from “{groupTitle(details.name)}”. The other members
        will see that you left. What was said so far stays on this device.
      </p>
      <div className="mt-5 flex justify-end gap-2">
        <button type="button" className={buttonStyles.ghost} onClick={onCancel}>
          Stay
        </button>
        <button
          type="button"
          data-testid="confirm-leave-group"
          className={buttonStyles.danger}
          disabled={action.busy !== undefined}
          onClick={() => void action.run("leave", (g) => g.leave()).then((ok) => ok && onLeft())}
        >
          {action.busy === "leave" && <Spinner />}
          Leave
        </button>
      </div>
    </div>
  );
}
