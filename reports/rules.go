package reports

// Code below is the rule text of shared/spec/SEMANTICS.md, copied verbatim
// (markdown emphasis removed) so that a report explains every rule ID it
// cites without a side file. When SEMANTICS.md changes, change this table:
// rules_test.go checks that every ID an invariant cites is here.

// Rule is one sentence of SEMANTICS.md.
type Rule struct {
	ID     string // "M3"
	Text   string
	Source string // seed documents or "current docs"
}

// ruleList is in SEMANTICS.md order: M1–M14, S1–S8, X1–X5.
var ruleList = []Rule{
	{"M1", "Enabling maintenance requires server version ≥ 9.5 Update 3; otherwise the command is rejected with an error and nothing changes.", "000"},
	{"M2", "Maintenance is switched by operator actions (portal, PowerShell Enable-/Disable-VBRCloudMaintenanceMode, a scheduled task). Enabling when on, or disabling when off, changes nothing and is recorded. State is Active or Maintenance; there is no pending state. The state is configuration: it survives service restarts and power cycles.", "000, 002, current docs"},
	{"M3", "On enable, each running session of an affected VBR-managed job on that server lets the tasks already in process finish (transfer completes, restore point committed); every task not yet started fails with the maintenance notice; when the in-process tasks end, the attempt ends; the session ends Failed if any task failed (its message is the notice, M6), else with its normal result, unless S8 retries follow.", "000, 001"},
	{"M4", "On enable, a running standalone agent backup session (agent job configured on the agent computer) runs to completion, all objects.", "001"},
	{"M5", "While in maintenance, starting a session of an affected job fails at once: result Failed, no task runs, no snapshot. Retries of such sessions fail the same way while maintenance lasts.", "000, 001"},
	{"M6", "A session that fails because of maintenance carries the notification text in its statistics if the Cloud Connect Service is running and the client supports it (VBR/VAC ≥ 9.5 U3, agent ≥ 2.1). Otherwise it fails with a generic connection error and no maintenance text.", "000, 001"},
	{"M7", "The notification text is \"Service provider is currently undergoing scheduled maintenance\" unless a custom message (registry value CloudMaintenanceModeMessage) is configured. A change of the custom message takes effect only when the service restarts (or the server reboots).", "001, 002"},
	{"M8", "Unaffected operations proceed during maintenance exactly as outside it: restores of any kind from a cloud repository (VM, files, disks, agent restore), tasks on replicas already failed over (failback, commit failback, permanent failover, undo failover), and any job whose target is not the provider.", "001, 002"},
	{"M9", "Replication to a cloud host: profile knob replication_in_maintenance: allow (9.5 U3, seeds 001/002: runs normally) or stop (current docs: treated like M3/M5, and so are CDP policies). Default allow.", "001, 002, current docs"},
	{"M10", "vCD backup jobs to a cloud repository: knob vcd_backup_in_maintenance: stop (001, default) or allow (002).", "001, 002"},
	{"M11", "Maintenance changes no existing restore point; a tenant can still read every backup.", "001"},
	{"M12", "A disabled tenant can start nothing, restores included; its running sessions are terminated at once (as an immediate stop). Moving a tenant's backups requires the tenant to be disabled: a backup move while the tenant is enabled (in maintenance or not) is a runbook violation.", "001, current docs"},
	{"M13", "Service stopped or server powered off: every tenant operation against that server fails with a generic error, restores included, and no maintenance text is shown (see M6).", "001"},
	{"M14", "Task concurrency: a tenant never has more than max_concurrent_tasks tasks in process; extra tasks wait (queue), they do not fail. A server never has more tasks in process than its task_slots. Bandwidth is split equally between tenants, then between a tenant's tasks.", "current docs"},
	{"S1", "A running session can be stopped at any moment, immediately or gracefully.", "003"},
	{"S2", "Immediate: tasks in process are terminated, their snapshots removed, no restore point for them; objects already finished in this session keep their new restore points; pending objects get none; result Failed.", "003, current docs"},
	{"S3", "Graceful: tasks in process finish and commit restore points; pending objects are not processed; then the session ends. Result Warning (knob graceful_stop_result; the docs only say it is not Failed unless S4).", "003, current docs"},
	{"S4", "Graceful stop before the first object started processing: result Failed, message \"Operation was canceled by user\".", "003"},
	{"S5", "Graceful stop is available for backup (VM) and replication jobs and agent jobs; not for backup_copy, file copy or restores: a graceful request on those is rejected with an error and the session runs on.", "current docs"},
	{"S6", "Objects are processed in the order the job lists them, as concurrency allows (M14).", "003"},
	{"S7", "No stop, maintenance or failure ever changes a restore point of an earlier session.", "003"},
	{"S8", "Retries happen inside the same session: when its objects have all ended and some failed, the session waits retry.wait and processes only the failed objects again, up to retry.count times; its result reflects the last attempt. No retry after Success/Warning, none for a session started or stopped manually, and a retry during maintenance fails as M5 says.", "current docs"},
	{"X1", "Each server component (HubTransport, FrontendTransport, MailboxDeliveryProxy, ServerWideOffline, …) has a state set per requester (Maintenance, Sidelined, Functional, Deployment, HealthAPI). The effective state is Active only if no requester holds it Inactive or Draining; Inactive wins over Draining. ServerWideOffline inactive makes every component inactive.", "004, current docs"},
	{"X2", "Draining: no new connections or messages are accepted; work in flight completes; queued messages can be redirected to another server. Inactive: nothing is served.", "004"},
	{"X3", "Entering maintenance, in order: redirect client traffic (multi-server), block database copy auto-activation, suspend database copies, dismount databases, drain transport components. Leaving: the reverse order, and each step restores the state from before entry.", "004"},
	{"X4", "Pitfalls are checked, not just narrated: no backup before entry, users not notified before entry, a database dismounted before its copy was suspended, traffic not redirected, a requester left set after exit.", "004"},
	{"X5", "No message is lost: every accepted message is delivered, redirected, or still queued on a server that comes back.", "004"},
}

// Rules maps a rule ID to its sentence: M1–M14, S1–S8, X1–X5.
var Rules = func() map[string]Rule {
	m := make(map[string]Rule, len(ruleList))
	for _, r := range ruleList {
		m[r.ID] = r
	}
	return m
}()

// RuleIDs lists every rule ID in SEMANTICS.md order.
func RuleIDs() []string {
	ids := make([]string, len(ruleList))
	for i, r := range ruleList {
		ids[i] = r.ID
	}
	return ids
}

// RuleText returns the sentence of a rule ID, or "" for an unknown ID (the
// pseudo-rule "all" of INV-12 reads as every rule).
func RuleText(id string) string {
	if id == "all" {
		return "Every rule: sessions and tasks have well-formed lifecycles."
	}
	return Rules[id].Text
}
