package scenarios_test

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"pgregory.net/rapid"

	"github.com/maintsim/maintsim/model"
	"github.com/maintsim/maintsim/scenarios"
	"github.com/maintsim/maintsim/scenarios/scentest"
)

// Hand-written traces: each invariant is fed short record sequences that
// violate it and that do not, through the same reader `maintsim verify`
// uses. In the trace bodies below, @25m stands for 25 minutes in
// nanoseconds (t, due, transfer_at and commit_at are integers).

// handWorld declares the entities every hand-written trace uses.
const handWorld = `{"t":0,"ev":"scenario","name":"hand","seed":1,"start":"2026-11-02T20:00:00Z"}
{"t":0,"ev":"server","server":"cc-01","version":"12","task_slots":2}
{"t":0,"ev":"tenant","tenant":"acme","server":"cc-01","client":"vbr 12","max_concurrent_tasks":1}
{"t":0,"ev":"tenant","tenant":"legacy","server":"cc-01","client":"vbr 9.5"}
{"t":0,"ev":"job","tenant":"acme","job":"nightly","kind":"backup","objects":["vm1","vm2"],"retry_count":1,"retry_wait_ns":600000000000}
{"t":0,"ev":"job","tenant":"acme","job":"restore","kind":"restore","objects":["vm1"]}
{"t":0,"ev":"job","tenant":"acme","job":"laptop","kind":"agent_backup","platform":"agent","managed_by":"agent","objects":["pc1","pc2"]}
{"t":0,"ev":"job","tenant":"legacy","job":"nightly","kind":"backup","objects":["vm1"]}
{"t":0,"ev":"job","tenant":"legacy","job":"copy","kind":"backup_copy","objects":["d1","d2"]}
`

var minutesToken = regexp.MustCompile(`@(\d+)m`)

func expandMinutes(body string) string {
	return minutesToken.ReplaceAllStringFunc(body, func(s string) string {
		n, _ := strconv.Atoi(s[1 : len(s)-1])
		return strconv.FormatInt(int64(time.Duration(n)*time.Minute), 10)
	})
}

// handViolations runs invariant id over handWorld plus body.
func handViolations(id, body string) []scenarios.Violation {
	GinkgoHelper()
	inv, ok := scenarios.InvariantByID(id)
	Expect(ok).To(BeTrue(), id)
	lines := strings.TrimSpace(expandMinutes(body))
	res, err := scenarios.Verify("hand.jsonl", strings.NewReader(handWorld+lines+"\n"), []scenarios.Invariant{inv})
	Expect(err).NotTo(HaveOccurred())
	Expect(res.Invariants).To(HaveLen(1))
	return res.Invariants[0].Violations
}

// Frequent lines.
const (
	nightly1   = `{"t":@0m,"ev":"session_start","session":"acme/nightly#1"}` + "\n"
	vm1Start   = `{"t":@0m,"ev":"task_start","session":"acme/nightly#1","object":"vm1","phase":"Snapshot","bytes":100,"due":@20m,"transfer_at":@1m,"commit_at":@19m}` + "\n"
	vm1Success = `{"t":@20m,"ev":"task_end","session":"acme/nightly#1","object":"vm1","phase":"Commit","result":"Success","started":true,"restore_point":true,"snapshot_removed":true,"bytes":100}` + "\n"
)

var _ = Describe("invariant catalogue", func() {
	It("lists INV-01 to INV-16 in order, each with rules, a holds-when sentence and a checker", func() {
		var cat []scenarios.Invariant
		for _, inv := range scenarios.Catalogue() {
			if inv.Profile == "" {
				cat = append(cat, inv)
			}
		}
		Expect(cat).To(HaveLen(16))
		for i, inv := range cat {
			Expect(inv.ID).To(Equal("INV-" + strconv.Itoa(100 + i + 1)[1:]))
			Expect(inv.Name).NotTo(BeEmpty())
			Expect(inv.Rules).NotTo(BeEmpty())
			Expect(inv.Holds).NotTo(BeEmpty())
			Expect(inv.New).NotTo(BeNil())
		}
	})

	It("holds on every example scenario (or is violated as the example expects)", func() {
		paths, err := filepath.Glob("examples/*.yaml")
		Expect(err).NotTo(HaveOccurred())
		Expect(paths).NotTo(BeEmpty())
		for _, p := range paths {
			sc, err := scenarios.Load(p)
			Expect(err).NotTo(HaveOccurred(), p)
			out, err := scenarios.RunScenario(sc, scenarios.Options{})
			Expect(err).NotTo(HaveOccurred(), p)
			Expect(out).To(scentest.HaveSucceeded(), p)
		}
	})

	It("holds on random worlds and action sequences (property)", func() {
		DeferCleanup(scentest.PinRapid(1, 200))
		rapid.Check(GinkgoT(), func(t *rapid.T) {
			g := NewWithT(t)
			out, err := scentest.Run(scenarios.GenFile().Draw(t, "scenario"))
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(out).To(scentest.HoldInvariants())
		})
	})

	It("reports a violation with its invariant, rules, time, entities and the events that show it", func() {
		v := handViolations("INV-04", nightly1+vm1Start+`
{"t":@5m,"ev":"maintenance_enabled","server":"cc-01"}
{"t":@5m,"ev":"task_end","session":"acme/nightly#1","object":"vm1","phase":"Transfer","result":"Failed","cause":"maintenance","started":true,"snapshot_removed":true,"bytes":20}`)
		Expect(v).To(HaveLen(1))
		Expect(v[0].Invariant).To(Equal("INV-04"))
		Expect(v[0].Rules).To(Equal([]string{"M3"}))
		Expect(v[0].T).To(Equal(int64(5 * time.Minute)))
		Expect(v[0].Time).To(Equal("2026-11-02T20:05:00Z"))
		// The trace left the server out; the session's tenant names it.
		Expect(v[0].Entities).To(Equal([]string{"server cc-01", "session acme/nightly#1", "object vm1"}))
		Expect(v[0].Message).To(ContainSubstring("was in Transfer when maintenance was enabled"))
		Expect(v[0].Events).To(HaveLen(2))
		Expect(v[0].Events[0]).To(ContainSubstring(`"ev":"maintenance_enabled"`))
		Expect(v[0].Events[1]).To(ContainSubstring(`"ev":"task_end"`))
	})

	It("caps the violations one checker keeps", func() {
		var b strings.Builder
		b.WriteString(nightly1)
		for i := range scenarios.MaxViolationsPerInvariant + 10 {
			b.WriteString(`{"t":` + strconv.Itoa(i+1) + `,"ev":"backup_moved","tenant":"acme"}` + "\n")
		}
		Expect(handViolations("INV-15", b.String())).To(HaveLen(scenarios.MaxViolationsPerInvariant))
	})
})

var _ = Describe("the table of tasks in process", func() {
	It("behaves like a map under inserts, updates and deletes (property)", func() {
		DeferCleanup(scentest.PinRapid(5, 300))
		rapid.Check(GinkgoT(), func(t *rapid.T) {
			ops := rapid.SliceOfN(rapid.Custom(func(t *rapid.T) scenarios.LiveOp {
				return scenarios.LiveOp{Del: rapid.Bool().Draw(t, "del"),
					Key: uint64(rapid.IntRange(0, 3).Draw(t, "job"))<<32 | uint64(rapid.IntRange(0, 40).Draw(t, "object")),
					Val: rapid.IntRange(0, 9).Draw(t, "val")}
			}), 50, 400).Draw(t, "ops")
			NewWithT(t).Expect(scenarios.LiveTableAgrees(ops)).To(BeEmpty())
		})
	})
	It("renewed for a new run, holds and iterates as a fresh table (property)", func() {
		DeferCleanup(scentest.PinRapid(5, 300))
		op := rapid.Custom(func(t *rapid.T) scenarios.LiveOp {
			return scenarios.LiveOp{Del: rapid.IntRange(0, 3).Draw(t, "del") == 0,
				Key: uint64(rapid.IntRange(0, 3).Draw(t, "job"))<<32 | uint64(rapid.IntRange(0, 40).Draw(t, "object")),
				Val: rapid.IntRange(0, 9).Draw(t, "val")}
		})
		rapid.Check(GinkgoT(), func(t *rapid.T) {
			before := rapid.SliceOfN(op, 0, 100).Draw(t, "before")
			after := rapid.SliceOfN(op, 0, 30).Draw(t, "after")
			NewWithT(t).Expect(scenarios.RenewedTableAgrees(before, after)).To(BeEmpty())
		})
	})
})

var _ = Describe("INV-01: no-half-transfer", func() {
	It("holds for a task that commits all its bytes", func() {
		Expect(handViolations("INV-01", nightly1+vm1Start+vm1Success)).To(BeEmpty())
	})
	It("is violated by a Success that moved half the bytes", func() {
		v := handViolations("INV-01", nightly1+vm1Start+`
{"t":@20m,"ev":"task_end","session":"acme/nightly#1","object":"vm1","phase":"Commit","result":"Success","started":true,"restore_point":true,"snapshot_removed":true,"bytes":50}`)
		Expect(v).To(HaveLen(1))
		Expect(v[0].Message).To(ContainSubstring("50 of its 100 bytes"))
		Expect(v[0].Events).To(HaveLen(2))
		Expect(v[0].Events[0]).To(HavePrefix(`{"t":0,"time":"2026-11-02T20:00:00Z","ev":"task_start","server":"cc-01","tenant":"acme","job":"nightly","session":"acme/nightly#1","attempt":1,"object":"vm1","phase":"Snapshot","bytes":100,"due":1200000000000`))
	})
	It("holds for a Success an export writes in phase Done (after Commit)", func() {
		Expect(handViolations("INV-01", nightly1+vm1Start+strings.Replace(vm1Success, `"phase":"Commit"`, `"phase":"Done"`, 1))).To(BeEmpty())
	})
	It("is violated by a Success straight from Transfer", func() {
		v := handViolations("INV-01", nightly1+vm1Start+`
{"t":@10m,"ev":"task_end","session":"acme/nightly#1","object":"vm1","phase":"Transfer","result":"Success","started":true,"restore_point":true,"snapshot_removed":true,"bytes":100}`)
		Expect(v).To(HaveLen(1))
	})
	It("is violated by a Success with a restore point for a task that never started (a restore point is created only by a task that commits)", func() {
		v := handViolations("INV-01", nightly1+`{"t":@20m,"ev":"task_end","session":"acme/nightly#1","object":"vm1","phase":"Commit","result":"Success","started":false,"restore_point":true,"snapshot_removed":true,"bytes":100}`)
		Expect(v).To(HaveLen(1))
		Expect(v[0].Message).To(ContainSubstring("never started"))
	})
	It("is violated by a failed task that left a restore point", func() {
		v := handViolations("INV-01", nightly1+vm1Start+`
{"t":@10m,"ev":"task_end","session":"acme/nightly#1","object":"vm1","phase":"Transfer","result":"Failed","cause":"stop","started":true,"restore_point":true,"snapshot_removed":true,"bytes":40}`)
		Expect(v).To(HaveLen(1))
	})
})

var _ = Describe("INV-02: restores-survive-maintenance", func() {
	restore := `{"t":@0m,"ev":"session_start","session":"acme/restore#1"}
{"t":@0m,"ev":"task_start","session":"acme/restore#1","object":"vm1","bytes":100,"due":@20m,"transfer_at":@1m,"commit_at":@19m}
{"t":@5m,"ev":"maintenance_enabled","server":"cc-01"}
`
	It("is violated by a restore that fails while its server is in maintenance", func() {
		v := handViolations("INV-02", restore+`
{"t":@5m,"ev":"task_end","session":"acme/restore#1","object":"vm1","phase":"Transfer","result":"Failed","cause":"maintenance","started":true,"snapshot_removed":true,"bytes":10}
{"t":@5m,"ev":"session_end","session":"acme/restore#1","result":"Failed","cause":"maintenance","text":"x"}`)
		Expect(v).To(HaveLen(1))
		Expect(v[0].Entities).To(ContainElement("session acme/restore#1"))
	})
	It("holds when the restore succeeds", func() {
		Expect(handViolations("INV-02", restore+`
{"t":@20m,"ev":"task_end","session":"acme/restore#1","object":"vm1","phase":"Commit","result":"Success","started":true,"snapshot_removed":true,"bytes":100}
{"t":@20m,"ev":"session_end","session":"acme/restore#1","result":"Success","text":""}`)).To(BeEmpty())
	})
	It("does not judge a restore touched by a fault (fault-free scope)", func() {
		Expect(handViolations("INV-02", restore+`
{"t":@7m,"ev":"service_stopped","server":"cc-01","text":"stop_service"}
{"t":@7m,"ev":"task_end","session":"acme/restore#1","object":"vm1","phase":"Transfer","result":"Failed","cause":"fault","started":true,"snapshot_removed":true,"bytes":10}
{"t":@7m,"ev":"session_end","session":"acme/restore#1","result":"Failed","cause":"fault","text":"Failed to connect to the service provider"}`)).To(BeEmpty())
	})
})

var _ = Describe("INV-03: no-affected-start-in-maintenance", func() {
	It("M3, M5: is violated by a task failed with cause maintenance while its server is not in maintenance, and holds when it is", func() {
		failed := `{"t":@5m,"ev":"session_start","session":"acme/nightly#1"}
{"t":@5m,"ev":"task_end","session":"acme/nightly#1","object":"vm1","phase":"Pending","result":"Failed","cause":"maintenance","bytes":0}`
		v := handViolations("INV-03", failed)
		Expect(v).To(HaveLen(1))
		Expect(v[0].Message).To(ContainSubstring("not in maintenance at any time"))
		Expect(handViolations("INV-03", `{"t":@0m,"ev":"maintenance_enabled","server":"cc-01"}`+"\n"+failed)).To(BeEmpty())
	})
	It("M3: holds for a pending object's maintenance failure an export writes late, with the session's end after the window", func() {
		Expect(handViolations("INV-03", nightly1+vm1Start+`{"t":@10m,"ev":"maintenance_enabled","server":"cc-01"}
{"t":@15m,"ev":"maintenance_disabled","server":"cc-01"}
`+vm1Success+`{"t":@20m,"ev":"task_end","session":"acme/nightly#1","object":"vm2","phase":"Pending","result":"Failed","cause":"maintenance","bytes":0}`)).To(BeEmpty())
	})
	It("M8: is violated by a restore failed with cause maintenance", func() {
		Expect(handViolations("INV-03", `{"t":@0m,"ev":"maintenance_enabled","server":"cc-01"}
{"t":@5m,"ev":"session_start","session":"acme/restore#1"}
{"t":@5m,"ev":"task_end","session":"acme/restore#1","object":"vm1","phase":"Pending","result":"Failed","cause":"maintenance","bytes":0}`)).To(HaveLen(1))
	})
	It("is violated by a backup task starting in maintenance", func() {
		v := handViolations("INV-03", `{"t":@0m,"ev":"maintenance_enabled","server":"cc-01"}
{"t":@5m,"ev":"session_start","session":"acme/nightly#1"}
{"t":@5m,"ev":"task_start","session":"acme/nightly#1","object":"vm1","bytes":1,"due":@20m}`)
		Expect(v).To(HaveLen(1))
	})
	It("lets restores start in maintenance (M8)", func() {
		Expect(handViolations("INV-03", `{"t":@0m,"ev":"maintenance_enabled","server":"cc-01"}
{"t":@5m,"ev":"session_start","session":"acme/restore#1"}
{"t":@5m,"ev":"task_start","session":"acme/restore#1","object":"vm1","bytes":1,"due":@20m}`)).To(BeEmpty())
	})
	It("lets a standalone agent session running at enable go on (M4)", func() {
		Expect(handViolations("INV-03", `{"t":@0m,"ev":"session_start","session":"acme/laptop#1"}
{"t":@0m,"ev":"task_start","session":"acme/laptop#1","object":"pc1","bytes":1,"due":@20m}
{"t":@5m,"ev":"maintenance_enabled","server":"cc-01"}
{"t":@20m,"ev":"task_end","session":"acme/laptop#1","object":"pc1","phase":"Commit","result":"Success","started":true,"restore_point":true,"snapshot_removed":true,"bytes":1}
{"t":@20m,"ev":"task_start","session":"acme/laptop#1","object":"pc2","bytes":1,"due":@40m}`)).To(BeEmpty())
	})
	It("M4: is violated by a standalone agent session running at enable whose pending object fails with cause maintenance", func() {
		v := handViolations("INV-03", `{"t":@0m,"ev":"session_start","session":"acme/laptop#1"}
{"t":@0m,"ev":"task_start","session":"acme/laptop#1","object":"pc1","bytes":1,"due":@20m}
{"t":@5m,"ev":"maintenance_enabled","server":"cc-01"}
{"t":@5m,"ev":"task_end","session":"acme/laptop#1","object":"pc2","phase":"Pending","result":"Failed","cause":"maintenance","bytes":0}`)
		Expect(v).To(HaveLen(1))
		Expect(v[0].Message).To(ContainSubstring("M4"))
	})
	It("M4, M5: is violated by a retry attempt of a standalone agent session that starts in maintenance (only the attempt running at the enable goes on)", func() {
		v := handViolations("INV-03", `{"t":@0m,"ev":"session_start","session":"acme/laptop#1"}
{"t":@0m,"ev":"task_start","session":"acme/laptop#1","object":"pc1","bytes":1,"due":@20m}
{"t":@5m,"ev":"maintenance_enabled","server":"cc-01"}
{"t":@20m,"ev":"task_end","session":"acme/laptop#1","object":"pc1","phase":"Transfer","result":"Failed","started":true,"snapshot_removed":true,"bytes":0}
{"t":@20m,"ev":"task_start","session":"acme/laptop#1","object":"pc2","bytes":1,"due":@40m}
{"t":@40m,"ev":"task_end","session":"acme/laptop#1","object":"pc2","phase":"Commit","result":"Success","started":true,"restore_point":true,"snapshot_removed":true,"bytes":1}
{"t":@50m,"ev":"attempt_start","session":"acme/laptop#1","attempt":2}
{"t":@50m,"ev":"task_start","session":"acme/laptop#1","attempt":2,"object":"pc1","bytes":1,"due":@70m}`)
		Expect(v).To(HaveLen(1))
		Expect(v[0].Message).To(ContainSubstring("started while its server is in maintenance"))
	})
	It("is violated by a standalone agent session started after enable (M5)", func() {
		v := handViolations("INV-03", `{"t":@0m,"ev":"maintenance_enabled","server":"cc-01"}
{"t":@5m,"ev":"session_start","session":"acme/laptop#1"}
{"t":@5m,"ev":"task_start","session":"acme/laptop#1","object":"pc1","bytes":1,"due":@20m}`)
		Expect(v).To(HaveLen(1))
	})
})

var _ = Describe("INV-04: in-process-tasks-finish", func() {
	It("is violated by a task in Transfer at enable that fails", func() {
		Expect(handViolations("INV-04", nightly1+vm1Start+`
{"t":@5m,"ev":"maintenance_enabled","server":"cc-01"}
{"t":@5m,"ev":"task_end","session":"acme/nightly#1","object":"vm1","phase":"Transfer","result":"Failed","cause":"maintenance","started":true,"snapshot_removed":true,"bytes":20}`)).To(HaveLen(1))
	})
	It("holds when the task finishes", func() {
		Expect(handViolations("INV-04", nightly1+vm1Start+`{"t":@5m,"ev":"maintenance_enabled","server":"cc-01"}`+"\n"+vm1Success)).To(BeEmpty())
	})
	// An export may carry neither plans nor task_phase lines: the phase at
	// the enable is then known only when the task ends at that instant.
	vm1StartNoPlan := `{"t":@0m,"ev":"task_start","session":"acme/nightly#1","object":"vm1","phase":"Snapshot","bytes":100}` + "\n"
	enableAt := func(t string) string { return `{"t":@` + t + `,"ev":"maintenance_enabled","server":"cc-01"}` + "\n" }
	endIn := func(t, phase, cause string) string {
		return `{"t":@` + t + `,"ev":"task_end","session":"acme/nightly#1","object":"vm1","phase":"` + phase +
			`","result":"Failed","cause":"` + cause + `","started":true,"snapshot_removed":true,"bytes":20}`
	}
	It("without plans, is violated by a task that ends at the enable's instant in Transfer, Failed", func() {
		v := handViolations("INV-04", nightly1+vm1StartNoPlan+enableAt("5m")+endIn("5m", "Transfer", "maintenance"))
		Expect(v).To(HaveLen(1))
		Expect(v[0].Message).To(ContainSubstring("in Transfer when maintenance was enabled"))
	})
	It("without plans, does not judge a task that ends later (its phase at the enable is unknown) or in Snapshot", func() {
		Expect(handViolations("INV-04", nightly1+vm1StartNoPlan+enableAt("5m")+endIn("6m", "Transfer", "maintenance"))).To(BeEmpty())
		Expect(handViolations("INV-04", nightly1+vm1StartNoPlan+enableAt("5m")+endIn("5m", "Snapshot", "maintenance"))).To(BeEmpty())
	})
	It("without plans, does not judge a task an immediate stop at the enable's instant ended", func() {
		Expect(handViolations("INV-04", nightly1+vm1StartNoPlan+enableAt("5m")+
			`{"t":@5m,"ev":"stop_requested","session":"acme/nightly#1","mode":"immediate"}`+"\n"+endIn("5m", "Transfer", "stop"))).To(BeEmpty())
	})
	It("does not judge a task stopped immediately by the operator after enable", func() {
		Expect(handViolations("INV-04", nightly1+vm1Start+`
{"t":@5m,"ev":"maintenance_enabled","server":"cc-01"}
{"t":@6m,"ev":"stop_requested","session":"acme/nightly#1","mode":"immediate"}
{"t":@6m,"ev":"task_end","session":"acme/nightly#1","object":"vm1","phase":"Transfer","result":"Failed","cause":"stop","started":true,"snapshot_removed":true,"bytes":20}`)).To(BeEmpty())
	})
	It("does not judge a task a power off ended (fault-free scope)", func() {
		Expect(handViolations("INV-04", nightly1+vm1Start+`
{"t":@5m,"ev":"maintenance_enabled","server":"cc-01"}
{"t":@6m,"ev":"service_stopped","server":"cc-01","text":"power_off"}
{"t":@6m,"ev":"task_end","session":"acme/nightly#1","object":"vm1","phase":"Transfer","result":"Failed","cause":"fault","started":true,"snapshot_removed":true,"bytes":20}
{"t":@6m,"ev":"power_off","server":"cc-01"}`)).To(BeEmpty())
	})
})

var _ = Describe("INV-05: maintenance-message-shown", func() {
	fail := func(session, text string) string {
		return `{"t":@0m,"ev":"maintenance_enabled","server":"cc-01"}
{"t":@5m,"ev":"session_start","session":"` + session + `"}
{"t":@5m,"ev":"task_end","session":"` + session + `","object":"vm1","phase":"Pending","result":"Failed","cause":"maintenance","bytes":0}
{"t":@5m,"ev":"session_end","session":"` + session + `","result":"Failed","cause":"maintenance","text":"` + text + `"}`
	}
	It("holds when a supporting client sees the notice", func() {
		Expect(handViolations("INV-05", fail("acme/nightly#1", model.DefaultNotice))).To(BeEmpty())
	})
	It("holds when an old client gets the generic error", func() {
		Expect(handViolations("INV-05", fail("legacy/nightly#1", model.MsgConnectionFailed))).To(BeEmpty())
	})
	It("is violated by the notice shown to a VBR 9.5 client", func() {
		v := handViolations("INV-05", fail("legacy/nightly#1", model.DefaultNotice))
		Expect(v).To(HaveLen(1))
		Expect(v[0].Message).To(ContainSubstring("vbr 9.5"))
	})
	It("is violated by a generic error where the notice was due", func() {
		Expect(handViolations("INV-05", fail("acme/nightly#1", model.MsgConnectionFailed))).To(HaveLen(1))
	})
	It("is violated by any text that is not a maintenance notice where the notice was due (M6: the effective message is shown)", func() {
		v := handViolations("INV-05", fail("acme/nightly#1", "Job failed: unexpected error"))
		Expect(v).To(HaveLen(1))
		Expect(v[0].Message).To(ContainSubstring("instead of the maintenance notice"))
		// A configured message is a notice (which one is due is INV-06's business).
		Expect(handViolations("INV-05", `{"t":@0m,"ev":"message_configured","server":"cc-01","text":"Back at 22:00"}
`+fail("acme/nightly#1", "Back at 22:00"))).To(BeEmpty())
	})
	It("M13: is violated by the notice on a session a service stop failed (no maintenance text otherwise), not by the generic error", func() {
		faulted := func(text string) string {
			return `{"t":@0m,"ev":"maintenance_enabled","server":"cc-01"}
{"t":@1m,"ev":"service_stopped","server":"cc-01"}
{"t":@5m,"ev":"session_start","session":"acme/nightly#1"}
{"t":@5m,"ev":"task_end","session":"acme/nightly#1","object":"vm1","phase":"Pending","result":"Failed","cause":"fault","bytes":0}
{"t":@5m,"ev":"task_end","session":"acme/nightly#1","object":"vm2","phase":"Pending","result":"Failed","cause":"fault","bytes":0}
{"t":@5m,"ev":"session_end","session":"acme/nightly#1","result":"Failed","cause":"fault","text":"` + text + `"}`
		}
		v := handViolations("INV-05", faulted(model.DefaultNotice))
		Expect(v).To(HaveLen(1))
		Expect(v[0].Message).To(ContainSubstring("cause fault"))
		Expect(handViolations("INV-05", faulted(model.MsgConnectionFailed))).To(BeEmpty())
	})
	It("is violated by the notice on a session that succeeded, not by a real system's own text", func() {
		ok := nightly1 + vm1Start + vm1Success
		Expect(handViolations("INV-05", ok+`{"t":@20m,"ev":"session_end","session":"acme/nightly#1","result":"Success","text":"`+model.DefaultNotice+`"}`)).To(HaveLen(1))
		Expect(handViolations("INV-05", ok+`{"t":@20m,"ev":"session_end","session":"acme/nightly#1","result":"Warning","text":"1 VM processed with warnings"}`)).To(BeEmpty())
	})
	It("is violated by another text than the generic connection error for an old client (M6)", func() {
		for _, text := range []string{"", model.MsgStoppedByUser, model.MsgTenantDisabled} {
			v := handViolations("INV-05", fail("legacy/nightly#1", text))
			Expect(v).To(HaveLen(1), text)
			Expect(v[0].Message).To(ContainSubstring("generic connection error"))
		}
	})
	It("does not judge a real system's own wording of the generic error for an old client (INV-05, INV-06)", func() {
		own := fail("legacy/nightly#1", "Error: Failed to connect to the service provider: No connection could be made")
		Expect(handViolations("INV-05", own)).To(BeEmpty())
		Expect(handViolations("INV-06", own)).To(BeEmpty())
	})
	It("M3 then a fault or a stop: the session maintenance failed may end with the notice or the other text", func() {
		for _, end := range []string{
			`{"t":@5m,"ev":"service_stopped","server":"cc-01"}
{"t":@5m,"ev":"task_end","session":"acme/nightly#1","object":"vm1","phase":"Transfer","result":"Failed","cause":"fault","started":true,"snapshot_removed":true,"bytes":5}
{"t":@5m,"ev":"session_end","session":"acme/nightly#1","result":"Failed","cause":"fault","text":"%s"}`,
			`{"t":@5m,"ev":"stop_requested","session":"acme/nightly#1","mode":"immediate"}
{"t":@5m,"ev":"task_end","session":"acme/nightly#1","object":"vm1","phase":"Transfer","result":"Failed","cause":"stop","started":true,"snapshot_removed":true,"bytes":5}
{"t":@5m,"ev":"session_end","session":"acme/nightly#1","result":"Failed","cause":"stop","mode":"immediate","text":"%s"}`,
		} {
			for _, text := range []string{model.DefaultNotice, model.MsgConnectionFailed, model.MsgStoppedByUser} {
				Expect(handViolations("INV-05", nightly1+vm1Start+`{"t":@2m,"ev":"maintenance_enabled","server":"cc-01"}
{"t":@2m,"ev":"task_end","session":"acme/nightly#1","object":"vm2","phase":"Pending","result":"Failed","cause":"maintenance","bytes":0}
`+fmt.Sprintf(end, text))).To(BeEmpty(), text)
			}
		}
	})
})

var _ = Describe("INV-06: message-changes-on-restart-only", func() {
	custom := `{"t":@1m,"ev":"message_configured","server":"cc-01","text":"Back at 04:00"}` + "\n"
	fail := func(text string) string {
		return `{"t":@2m,"ev":"maintenance_enabled","server":"cc-01"}
{"t":@5m,"ev":"session_start","session":"acme/nightly#1"}
{"t":@5m,"ev":"task_end","session":"acme/nightly#1","object":"vm1","phase":"Pending","result":"Failed","cause":"maintenance","bytes":0}
{"t":@5m,"ev":"session_end","session":"acme/nightly#1","result":"Failed","cause":"maintenance","text":"` + text + `"}`
	}
	It("is violated by a new message shown before the service restarts", func() {
		v := handViolations("INV-06", custom+fail("Back at 04:00"))
		Expect(v).To(HaveLen(1))
		Expect(v[0].Message).To(ContainSubstring(model.DefaultNotice))
	})
	It("holds when the old message is shown until the restart", func() {
		Expect(handViolations("INV-06", custom+fail(model.DefaultNotice))).To(BeEmpty())
	})
	It("holds when the restart loaded the new message", func() {
		Expect(handViolations("INV-06", custom+`{"t":@1m,"ev":"service_stopped","server":"cc-01","text":"restart_service"}
{"t":@1m,"ev":"service_started","server":"cc-01","text":"Back at 04:00"}
`+fail("Back at 04:00"))).To(BeEmpty())
	})
	It("is violated by a service start that loads something else than the configured message", func() {
		Expect(handViolations("INV-06", custom+`{"t":@1m,"ev":"service_stopped","server":"cc-01","text":"restart_service"}
{"t":@1m,"ev":"service_started","server":"cc-01","text":"`+model.DefaultNotice+`"}`)).To(HaveLen(1))
	})
	It("is violated by a message configured earlier and replaced, not only by the latest", func() {
		v := handViolations("INV-06", custom+`{"t":@1m,"ev":"message_configured","server":"cc-01","text":"Back at 05:00"}`+"\n"+fail("Back at 04:00"))
		Expect(v).To(HaveLen(1))
	})
	It("judges the notice of a session maintenance failed and a fault then ended, whatever cause its end gives", func() {
		faulted := func(text string) string {
			return custom + `{"t":@2m,"ev":"maintenance_enabled","server":"cc-01"}
{"t":@5m,"ev":"session_start","session":"acme/nightly#1"}
{"t":@5m,"ev":"task_end","session":"acme/nightly#1","object":"vm1","phase":"Pending","result":"Failed","cause":"maintenance","bytes":0}
{"t":@6m,"ev":"service_stopped","server":"cc-01"}
{"t":@6m,"ev":"task_end","session":"acme/nightly#1","object":"vm2","phase":"Pending","result":"Failed","cause":"maintenance","bytes":0}
{"t":@6m,"ev":"session_end","session":"acme/nightly#1","result":"Failed","cause":"maintenance","text":"` + text + `"}`
		}
		Expect(handViolations("INV-06", faulted("Back at 04:00"))).To(HaveLen(1), "a message configured since, not loaded")
		Expect(handViolations("INV-06", faulted(model.DefaultNotice))).To(BeEmpty())
		Expect(handViolations("INV-05", faulted(model.MsgConnectionFailed))).To(BeEmpty(), "the fault's text may show")
	})
})

var _ = Describe("INV-07: restore-points-immutable", func() {
	It("is violated by a removed restore point", func() {
		v := handViolations("INV-07", nightly1+vm1Start+vm1Success+`{"t":@30m,"ev":"session_end","session":"acme/nightly#1","result":"Success","text":""}
{"t":@40m,"ev":"session_start","session":"acme/nightly#2"}
{"t":@41m,"ev":"stop_requested","session":"acme/nightly#2","mode":"immediate"}
{"t":@41m,"ev":"restore_point_removed","session":"acme/nightly#2","object":"vm1"}`)
		Expect(v).To(HaveLen(1))
		Expect(v[0].Message).To(ContainSubstring("committed by session #1 at 2026-11-02T20:20:00Z"))
	})
	It("holds while restore points only grow", func() {
		Expect(handViolations("INV-07", nightly1+vm1Start+vm1Success)).To(BeEmpty())
	})
})

var _ = Describe("INV-08: no-orphan-snapshot", func() {
	It("is violated by a failed task that keeps its snapshot", func() {
		Expect(handViolations("INV-08", nightly1+vm1Start+`
{"t":@5m,"ev":"task_end","session":"acme/nightly#1","object":"vm1","phase":"Transfer","result":"Failed","cause":"stop","started":true,"snapshot_removed":false,"bytes":5}`)).To(HaveLen(1))
	})
	It("is violated by a task that took its snapshot (task_start) and ends saying started: false without removing it", func() {
		v := handViolations("INV-08", nightly1+vm1Start+`
{"t":@5m,"ev":"task_end","session":"acme/nightly#1","object":"vm1","phase":"Transfer","result":"Failed","started":false,"snapshot_removed":false,"bytes":0}`)
		Expect(v).To(HaveLen(1))
		Expect(v[0].Message).To(ContainSubstring("left its snapshot behind"))
		// The next session's pending object took no snapshot.
		Expect(handViolations("INV-08", nightly1+vm1Start+`
{"t":@5m,"ev":"task_end","session":"acme/nightly#1","object":"vm1","phase":"Transfer","result":"Failed","started":true,"snapshot_removed":true,"bytes":5}
{"t":@5m,"ev":"task_end","session":"acme/nightly#1","object":"vm2","phase":"Pending","result":"Failed","bytes":0}
{"t":@5m,"ev":"session_end","session":"acme/nightly#1","result":"Failed","text":"x"}
{"t":@9m,"ev":"session_start","session":"acme/nightly#2"}
{"t":@9m,"ev":"task_end","session":"acme/nightly#2","object":"vm1","phase":"Pending","result":"Failed","bytes":0}`)).To(BeEmpty())
	})
	It("holds when every end removes the snapshot, and pending tasks had none", func() {
		Expect(handViolations("INV-08", nightly1+vm1Start+`
{"t":@5m,"ev":"task_end","session":"acme/nightly#1","object":"vm1","phase":"Transfer","result":"Failed","cause":"stop","started":true,"snapshot_removed":true,"bytes":5}
{"t":@5m,"ev":"task_end","session":"acme/nightly#1","object":"vm2","phase":"Pending","result":"Canceled","cause":"stop","bytes":0}`)).To(BeEmpty())
	})
})

var _ = Describe("INV-09: immediate-stop-outcome", func() {
	stop := nightly1 + vm1Start + `{"t":@5m,"ev":"stop_requested","session":"acme/nightly#1","mode":"immediate"}` + "\n"
	It("holds for Failed in-process tasks, canceled pending ones and a Failed session", func() {
		Expect(handViolations("INV-09", stop+`{"t":@5m,"ev":"task_end","session":"acme/nightly#1","object":"vm1","phase":"Transfer","result":"Failed","cause":"stop","started":true,"snapshot_removed":true,"bytes":5}
{"t":@5m,"ev":"task_end","session":"acme/nightly#1","object":"vm2","phase":"Pending","result":"Canceled","cause":"stop","bytes":0}
{"t":@5m,"ev":"session_end","session":"acme/nightly#1","result":"Failed","cause":"stop","mode":"immediate","text":"Stopped by user"}`)).To(BeEmpty())
	})
	// M12: a disable terminates the tenant's running sessions "as an
	// immediate stop"; S2's outcome applies.
	disable := nightly1 + vm1Start + `{"t":@5m,"ev":"tenant_disabled","tenant":"acme"}` + "\n"
	It("M12: holds for a disable that fails the in-process task and the session", func() {
		Expect(handViolations("INV-09", disable+`{"t":@5m,"ev":"task_end","session":"acme/nightly#1","object":"vm1","phase":"Transfer","result":"Failed","cause":"disabled","started":true,"snapshot_removed":true,"bytes":5}
{"t":@5m,"ev":"task_end","session":"acme/nightly#1","object":"vm2","phase":"Pending","result":"Failed","cause":"disabled","bytes":0}
{"t":@5m,"ev":"session_end","session":"acme/nightly#1","result":"Failed","cause":"disabled","text":"Tenant account is disabled"}`)).To(BeEmpty())
	})
	It("M12: is violated by a task in process at the disable that commits, and a session that ends Success", func() {
		v := handViolations("INV-09", disable+`{"t":@5m,"ev":"task_end","session":"acme/nightly#1","object":"vm1","phase":"Commit","result":"Success","started":true,"restore_point":true,"snapshot_removed":true,"bytes":100}
{"t":@5m,"ev":"task_end","session":"acme/nightly#1","object":"vm2","phase":"Pending","result":"Failed","cause":"disabled","bytes":0}
{"t":@5m,"ev":"session_end","session":"acme/nightly#1","result":"Success","text":""}`)
		Expect(v).To(HaveLen(2))
		Expect(v[1].Message).To(ContainSubstring("disable"))
	})
	It("M12: is violated by a pending object the disable cancels (M12 fails them)", func() {
		v := handViolations("INV-09", disable+`{"t":@5m,"ev":"task_end","session":"acme/nightly#1","object":"vm2","phase":"Pending","result":"Canceled","cause":"disabled","bytes":0}`)
		Expect(v).To(HaveLen(1))
		Expect(v[0].Message).To(ContainSubstring("M12"))
	})
	It("S2: holds for a pending object maintenance failed before the stop, written late with its own cause", func() {
		Expect(handViolations("INV-09", stop+`{"t":@5m,"ev":"task_end","session":"acme/nightly#1","object":"vm2","phase":"Pending","result":"Failed","cause":"maintenance","bytes":0}`)).To(BeEmpty())
	})
	It("M12: does not judge another tenant's session", func() {
		Expect(handViolations("INV-09", `{"t":@0m,"ev":"session_start","session":"legacy/nightly#1"}
{"t":@1m,"ev":"tenant_disabled","tenant":"acme"}
{"t":@20m,"ev":"session_end","session":"legacy/nightly#1","result":"Success","text":""}`)).To(BeEmpty())
	})
	It("S2: is violated by a pending object that ends Failed instead of Canceled after the stop", func() {
		v := handViolations("INV-09", stop+`{"t":@5m,"ev":"task_end","session":"acme/nightly#1","object":"vm1","phase":"Transfer","result":"Failed","cause":"stop","started":true,"snapshot_removed":true,"bytes":5}
{"t":@5m,"ev":"task_end","session":"acme/nightly#1","object":"vm2","phase":"Pending","result":"Failed","cause":"stop","bytes":0}`)
		Expect(v).To(HaveLen(1))
		Expect(v[0].Message).To(ContainSubstring("Canceled"))
	})
	It("is violated by an in-process task that commits", func() {
		Expect(handViolations("INV-09", stop+`{"t":@5m,"ev":"task_end","session":"acme/nightly#1","object":"vm1","phase":"Transfer","result":"Failed","cause":"stop","started":true,"restore_point":true,"snapshot_removed":true,"bytes":5}`)).To(HaveLen(1))
	})
	It("is violated by a pending object started after the stop, and a session not Failed", func() {
		Expect(handViolations("INV-09", stop+`{"t":@5m,"ev":"task_end","session":"acme/nightly#1","object":"vm1","phase":"Transfer","result":"Failed","cause":"stop","started":true,"snapshot_removed":true,"bytes":5}
{"t":@6m,"ev":"task_start","session":"acme/nightly#1","object":"vm2","bytes":1,"due":@30m}
{"t":@30m,"ev":"task_end","session":"acme/nightly#1","object":"vm2","phase":"Commit","result":"Success","started":true,"restore_point":true,"snapshot_removed":true,"bytes":1}
{"t":@30m,"ev":"session_end","session":"acme/nightly#1","result":"Warning","cause":"stop","mode":"immediate","text":"Stopped by user"}`)).To(HaveLen(3))
	})
})

var _ = Describe("INV-10: graceful-stop-outcome", func() {
	stop := nightly1 + vm1Start + `{"t":@5m,"ev":"stop_requested","session":"acme/nightly#1","mode":"graceful"}
{"t":@5m,"ev":"task_end","session":"acme/nightly#1","object":"vm2","phase":"Pending","result":"Canceled","cause":"stop","bytes":0}
`
	It("holds when in-process objects commit and the session ends Warning", func() {
		Expect(handViolations("INV-10", stop+vm1Success+`{"t":@20m,"ev":"session_end","session":"acme/nightly#1","result":"Warning","cause":"stop","mode":"graceful","text":"Stopped gracefully by user"}`)).To(BeEmpty())
	})
	It("S1: is violated by a task and a session that end with cause stop when no stop was requested", func() {
		Expect(handViolations("INV-10", nightly1+vm1Start+`{"t":@5m,"ev":"task_end","session":"acme/nightly#1","object":"vm1","phase":"Transfer","result":"Failed","cause":"stop","started":true,"snapshot_removed":true,"bytes":5}
{"t":@5m,"ev":"task_end","session":"acme/nightly#1","object":"vm2","phase":"Pending","result":"Canceled","cause":"stop","bytes":0}
{"t":@5m,"ev":"session_end","session":"acme/nightly#1","result":"Failed","cause":"stop","text":"Stopped by user"}`)).To(HaveLen(3))
	})
	It("S3: is violated by a pending object that ends Failed instead of Canceled", func() {
		v := handViolations("INV-10", nightly1+vm1Start+`{"t":@5m,"ev":"stop_requested","session":"acme/nightly#1","mode":"graceful"}
{"t":@5m,"ev":"task_end","session":"acme/nightly#1","object":"vm2","phase":"Pending","result":"Failed","cause":"stop","bytes":0}`)
		Expect(v).To(HaveLen(1))
		Expect(v[0].Message).To(ContainSubstring("Canceled"))
	})
	It("S5: is violated by a graceful stop taken on a backup_copy session (the request is rejected)", func() {
		v := handViolations("INV-10", `{"t":@0m,"ev":"session_start","session":"legacy/copy#1"}
{"t":@0m,"ev":"task_start","session":"legacy/copy#1","object":"d1","bytes":100,"due":@20m}
{"t":@5m,"ev":"stop_requested","session":"legacy/copy#1","mode":"graceful"}`)
		Expect(v).To(HaveLen(1))
		Expect(v[0].Message).To(ContainSubstring("S5"))
	})
	It("is violated by an in-process object terminated by the stop", func() {
		Expect(handViolations("INV-10", stop+`{"t":@5m,"ev":"task_end","session":"acme/nightly#1","object":"vm1","phase":"Transfer","result":"Failed","cause":"stop","started":true,"snapshot_removed":true,"bytes":5}`)).To(HaveLen(1))
	})
	It("is violated by a Failed result although every object committed (S3)", func() {
		v := handViolations("INV-10", stop+vm1Success+`{"t":@20m,"ev":"session_end","session":"acme/nightly#1","result":"Failed","cause":"stop","mode":"graceful","text":"Stopped gracefully by user"}`)
		Expect(v).To(HaveLen(1))
		Expect(v[0].Message).To(ContainSubstring("want Warning"))
	})
	It("wants Failed with the S4 message when nothing had started", func() {
		early := nightly1 + `{"t":@0m,"ev":"stop_requested","session":"acme/nightly#1","mode":"graceful"}
{"t":@0m,"ev":"task_end","session":"acme/nightly#1","object":"vm1","phase":"Pending","result":"Canceled","cause":"stop","bytes":0}
{"t":@0m,"ev":"task_end","session":"acme/nightly#1","object":"vm2","phase":"Pending","result":"Canceled","cause":"stop","bytes":0}
`
		Expect(handViolations("INV-10", early+`{"t":@0m,"ev":"session_end","session":"acme/nightly#1","result":"Failed","cause":"stop","mode":"graceful","text":"Operation was canceled by user"}`)).To(BeEmpty())
		Expect(handViolations("INV-10", early+`{"t":@0m,"ev":"session_end","session":"acme/nightly#1","result":"Warning","cause":"stop","mode":"graceful","text":"Stopped gracefully by user"}`)).To(HaveLen(1))
	})
})

var _ = Describe("INV-11: concurrency-limits", func() {
	It("is violated by a tenant over max_concurrent_tasks", func() {
		v := handViolations("INV-11", nightly1+vm1Start+`{"t":@0m,"ev":"task_start","session":"acme/nightly#1","object":"vm2","bytes":1,"due":@20m}`)
		Expect(v).To(HaveLen(1))
		Expect(v[0].Message).To(ContainSubstring("max_concurrent_tasks 1"))
	})
	It("is violated by a server over task_slots", func() {
		v := handViolations("INV-11", `{"t":@0m,"ev":"session_start","session":"legacy/nightly#1"}
{"t":@0m,"ev":"task_start","session":"legacy/nightly#1","object":"vm1","bytes":1,"due":@20m}
{"t":@0m,"ev":"session_start","session":"legacy/copy#1"}
{"t":@0m,"ev":"task_start","session":"legacy/copy#1","object":"d1","bytes":1,"due":@20m}
{"t":@0m,"ev":"task_start","session":"legacy/copy#1","object":"d2","bytes":1,"due":@20m}`)
		Expect(v).To(HaveLen(1))
		Expect(v[0].Message).To(ContainSubstring("task_slots 2"))
	})
	It("holds when tasks queue", func() {
		Expect(handViolations("INV-11", nightly1+vm1Start+vm1Success+`{"t":@20m,"ev":"task_start","session":"acme/nightly#1","object":"vm2","bytes":1,"due":@40m}`)).To(BeEmpty())
	})
})

var _ = Describe("INV-12: lifecycle-well-formed", func() {
	It("M13: is violated by a task failed with cause fault while its server's service runs, not once it is stopped", func() {
		fault := nightly1 + vm1Start + `{"t":@5m,"ev":"task_end","session":"acme/nightly#1","object":"vm1","phase":"Transfer","result":"Failed","cause":"fault","started":true,"snapshot_removed":true,"bytes":5}`
		v := handViolations("INV-12", fault)
		Expect(v).To(HaveLen(1))
		Expect(v[0].Message).To(ContainSubstring("cause fault"))
		Expect(handViolations("INV-12", strings.Replace(fault, `{"t":@5m,"ev":"task_end"`, `{"t":@5m,"ev":"service_stopped","server":"cc-01"}`+"\n"+`{"t":@5m,"ev":"task_end"`, 1))).To(BeEmpty())
	})
	It("is violated by a session_start naming attempt 2, and a stop_requested naming another attempt", func() {
		Expect(handViolations("INV-12", `{"t":@0m,"ev":"session_start","session":"acme/nightly#1","attempt":2}`)).To(HaveLen(1))
		Expect(handViolations("INV-12", nightly1+`{"t":@1m,"ev":"stop_requested","session":"acme/nightly#1","attempt":3,"mode":"immediate"}`)).To(HaveLen(1))
	})
	It("is violated by a task or session event naming an attempt the session is not in", func() {
		v := handViolations("INV-12", nightly1+`{"t":@0m,"ev":"task_start","session":"acme/nightly#1","attempt":2,"object":"vm1","bytes":1,"due":@20m}`)
		Expect(v).To(HaveLen(1))
		Expect(v[0].Message).To(ContainSubstring("names attempt 2, but the session is in attempt 1"))
	})
	It("holds for a well-formed session", func() {
		Expect(handViolations("INV-12", nightly1+vm1Start+vm1Success+`{"t":@20m,"ev":"task_start","session":"acme/nightly#1","object":"vm2","bytes":1,"due":@40m}
{"t":@40m,"ev":"task_end","session":"acme/nightly#1","object":"vm2","phase":"Commit","result":"Success","started":true,"restore_point":true,"snapshot_removed":true,"bytes":1}
{"t":@40m,"ev":"session_end","session":"acme/nightly#1","result":"Success","text":""}`)).To(BeEmpty())
	})
	pending := func(n, object string) string {
		return `{"t":@0m,"ev":"task_end","session":"acme/nightly#` + n + `","object":"` + object + `","phase":"Pending","result":"Failed","cause":"maintenance","bytes":0}` + "\n"
	}
	It("is violated by a session that ends twice", func() {
		Expect(handViolations("INV-12", nightly1+pending("1", "vm1")+pending("1", "vm2")+`{"t":@0m,"ev":"session_end","session":"acme/nightly#1","result":"Failed","text":"x"}
{"t":@0m,"ev":"session_end","session":"acme/nightly#1","result":"Failed","text":"x"}`)).To(HaveLen(1))
	})
	It("is violated by a session that ends while an object never reached a terminal state in it", func() {
		v := handViolations("INV-12", nightly1+pending("1", "vm1")+`{"t":@0m,"ev":"session_end","session":"acme/nightly#1","result":"Failed","text":"x"}`)
		Expect(v).To(HaveLen(1))
		Expect(v[0].Message).To(ContainSubstring("without a terminal state for object vm2"))
		// No task_end at all (an M5 session's objects each get one, Pending).
		Expect(handViolations("INV-12", nightly1+`{"t":@0m,"ev":"session_end","session":"acme/nightly#1","result":"Failed","text":"x"}`)).To(HaveLen(1))
		// A task_end of an earlier session does not count for this one.
		Expect(handViolations("INV-12", nightly1+pending("1", "vm1")+pending("1", "vm2")+`{"t":@0m,"ev":"session_end","session":"acme/nightly#1","result":"Failed","text":"x"}
{"t":@1m,"ev":"session_start","session":"acme/nightly#2"}
`+strings.ReplaceAll(pending("2", "vm1"), "@0m", "@1m")+`{"t":@1m,"ev":"session_end","session":"acme/nightly#2","result":"Failed","text":"x"}`)).To(HaveLen(1))
	})
	It("is violated by time going backwards", func() {
		Expect(handViolations("INV-12", `{"t":@5m,"ev":"maintenance_enabled","server":"cc-01"}
{"t":@4m,"ev":"maintenance_disabled","server":"cc-01"}`)).To(HaveLen(1))
	})
	It("is violated by a task event after the task ended, and a session ending with a task in process", func() {
		Expect(handViolations("INV-12", nightly1+vm1Start+vm1Success+`{"t":@21m,"ev":"task_plan","session":"acme/nightly#1","object":"vm1","phase":"Transfer","due":@30m}`)).To(HaveLen(1))
		Expect(handViolations("INV-12", nightly1+vm1Start+`{"t":@5m,"ev":"session_end","session":"acme/nightly#1","result":"Success","text":""}`)).To(HaveLen(1))
	})
	It("is violated by a session event before its start", func() {
		Expect(handViolations("INV-12", `{"t":@5m,"ev":"stop_requested","session":"acme/nightly#3","mode":"immediate"}`)).To(HaveLen(1))
	})
})

var _ = Describe("INV-13: drain-terminates", func() {
	enable := nightly1 + vm1Start + `{"t":@5m,"ev":"maintenance_enabled","server":"cc-01"}` + "\n"
	It("holds when the task in process at enable ends by its planned end", func() {
		Expect(handViolations("INV-13", enable+vm1Success)).To(BeEmpty())
	})
	It("follows a plan moved later by a transfer that joined the server during the drain (M14)", func() {
		Expect(handViolations("INV-13", enable+`{"t":@6m,"ev":"session_start","session":"acme/restore#1"}
{"t":@6m,"ev":"task_start","session":"acme/restore#1","object":"vm1","phase":"Snapshot","bytes":100,"due":@40m,"transfer_at":@7m,"commit_at":@39m}
{"t":@7m,"ev":"task_phase","session":"acme/restore#1","object":"vm1","phase":"Transfer","due":@40m,"transfer_at":@7m,"commit_at":@39m}
{"t":@7m,"ev":"task_plan","session":"acme/nightly#1","object":"vm1","phase":"Transfer","due":@30m,"transfer_at":@1m,"commit_at":@29m}
{"t":@30m,"ev":"task_end","session":"acme/nightly#1","object":"vm1","phase":"Commit","result":"Success","started":true,"restore_point":true,"snapshot_removed":true,"bytes":100}`)).To(BeEmpty())
	})
	It("follows such a plan when the export writes no task_phase: the joining task's task_start shows the transfer (transfer_at)", func() {
		Expect(handViolations("INV-13", enable+`{"t":@6m,"ev":"session_start","session":"acme/restore#1"}
{"t":@6m,"ev":"task_start","session":"acme/restore#1","object":"vm1","phase":"Snapshot","bytes":100,"due":@40m,"transfer_at":@7m,"commit_at":@39m}
{"t":@7m,"ev":"task_plan","session":"acme/nightly#1","object":"vm1","phase":"Transfer","due":@30m,"transfer_at":@1m,"commit_at":@29m}
{"t":@30m,"ev":"task_end","session":"acme/nightly#1","object":"vm1","phase":"Commit","result":"Success","started":true,"restore_point":true,"snapshot_removed":true,"bytes":100}`)).To(BeEmpty())
	})
	It("follows such a plan for a task started before the enable whose transfer begins during the drain (its transfer_at)", func() {
		Expect(handViolations("INV-13", nightly1+vm1Start+`{"t":@4m,"ev":"session_start","session":"acme/restore#1"}
{"t":@4m,"ev":"task_start","session":"acme/restore#1","object":"vm1","phase":"Snapshot","bytes":100,"due":@40m,"transfer_at":@6m,"commit_at":@39m}
{"t":@5m,"ev":"maintenance_enabled","server":"cc-01"}
{"t":@6m,"ev":"task_plan","session":"acme/nightly#1","object":"vm1","phase":"Transfer","due":@30m,"transfer_at":@1m,"commit_at":@29m}
{"t":@30m,"ev":"task_end","session":"acme/nightly#1","object":"vm1","phase":"Commit","result":"Success","started":true,"restore_point":true,"snapshot_removed":true,"bytes":100}`)).To(BeEmpty())
	})
	It("does not carry a joining transfer over from an earlier window that drained nothing", func() {
		// The restore in Snapshot at the first enable (an unaffected job)
		// would join at @30m; that window drains nothing. The second
		// window's stretching plan has no transfer to explain it.
		v := handViolations("INV-13", `{"t":@0m,"ev":"session_start","session":"acme/restore#1"}
{"t":@0m,"ev":"task_start","session":"acme/restore#1","object":"vm1","phase":"Snapshot","bytes":100,"due":@90m,"transfer_at":@30m,"commit_at":@89m}
{"t":@10m,"ev":"maintenance_enabled","server":"cc-01"}
{"t":@20m,"ev":"maintenance_disabled","server":"cc-01"}
{"t":@90m,"ev":"task_end","session":"acme/restore#1","object":"vm1","phase":"Commit","result":"Success","started":true,"snapshot_removed":true,"bytes":100}
{"t":@90m,"ev":"session_end","session":"acme/restore#1","result":"Success","text":""}
{"t":@100m,"ev":"session_start","session":"acme/nightly#1"}
{"t":@100m,"ev":"task_start","session":"acme/nightly#1","object":"vm1","phase":"Snapshot","bytes":100,"due":@120m,"transfer_at":@101m,"commit_at":@119m}
{"t":@105m,"ev":"maintenance_enabled","server":"cc-01"}
{"t":@106m,"ev":"task_plan","session":"acme/nightly#1","object":"vm1","phase":"Transfer","due":@150m,"transfer_at":@101m,"commit_at":@149m}
{"t":@150m,"ev":"task_end","session":"acme/nightly#1","object":"vm1","phase":"Commit","result":"Success","started":true,"restore_point":true,"snapshot_removed":true,"bytes":100}`)
		Expect(v).To(HaveLen(1))
	})
	It("does not count a local job's transfer as joining the server (M8: it takes no share)", func() {
		Expect(handViolations("INV-13", `{"t":@0m,"ev":"job","tenant":"acme","job":"loc","kind":"backup","target":"local","objects":["vm9"]}`+"\n"+enable+`{"t":@6m,"ev":"session_start","session":"acme/loc#1"}
{"t":@6m,"ev":"task_start","session":"acme/loc#1","object":"vm9","phase":"Snapshot","bytes":100,"due":@40m}
{"t":@7m,"ev":"task_phase","session":"acme/loc#1","object":"vm9","phase":"Transfer","due":@40m}
{"t":@8m,"ev":"task_plan","session":"acme/nightly#1","object":"vm1","phase":"Transfer","due":@30m,"transfer_at":@1m,"commit_at":@29m}
{"t":@30m,"ev":"task_end","session":"acme/nightly#1","object":"vm1","phase":"Commit","result":"Success","started":true,"restore_point":true,"snapshot_removed":true,"bytes":100}`)).To(HaveLen(1))
	})
	It("follows a plan moved earlier, but not one the model stretches on its own", func() {
		Expect(handViolations("INV-13", enable+`{"t":@6m,"ev":"task_plan","session":"acme/nightly#1","object":"vm1","phase":"Transfer","due":@15m,"transfer_at":@1m,"commit_at":@14m}
{"t":@15m,"ev":"task_end","session":"acme/nightly#1","object":"vm1","phase":"Commit","result":"Success","started":true,"restore_point":true,"snapshot_removed":true,"bytes":100}`)).To(BeEmpty())
		Expect(handViolations("INV-13", enable+`{"t":@6m,"ev":"task_plan","session":"acme/nightly#1","object":"vm1","phase":"Transfer","due":@30m,"transfer_at":@1m,"commit_at":@29m}
{"t":@30m,"ev":"task_end","session":"acme/nightly#1","object":"vm1","phase":"Commit","result":"Success","started":true,"restore_point":true,"snapshot_removed":true,"bytes":100}`)).To(HaveLen(1))
		// The same stretching plan twice is no more acceptable than once.
		stretch := `{"t":@6m,"ev":"task_plan","session":"acme/nightly#1","object":"vm1","phase":"Transfer","due":@30m,"transfer_at":@1m,"commit_at":@29m}` + "\n"
		Expect(handViolations("INV-13", enable+stretch+stretch+`{"t":@30m,"ev":"task_end","session":"acme/nightly#1","object":"vm1","phase":"Commit","result":"Success","started":true,"restore_point":true,"snapshot_removed":true,"bytes":100}`)).To(HaveLen(1))
	})
	It("is violated by a task that ends after the drain bound", func() {
		v := handViolations("INV-13", enable+`{"t":@90m,"ev":"task_end","session":"acme/nightly#1","object":"vm1","phase":"Commit","result":"Success","started":true,"restore_point":true,"snapshot_removed":true,"bytes":100}`)
		Expect(v).To(HaveLen(1))
		Expect(v[0].Message).To(ContainSubstring("1h10m0s after the drain bound"))
	})
	It("is violated by a drain still going at the end of the run", func() {
		Expect(handViolations("INV-13", enable+`{"t":@60m,"ev":"end"}`)).To(HaveLen(1))
		Expect(handViolations("INV-13", enable+`{"t":@15m,"ev":"end"}`)).To(BeEmpty())
	})
})

var _ = Describe("INV-14: disabled-tenant-inert", func() {
	It("holds when the disable ends the tenant's tasks at once", func() {
		Expect(handViolations("INV-14", nightly1+vm1Start+`{"t":@5m,"ev":"tenant_disabled","tenant":"acme","server":"cc-01"}
{"t":@5m,"ev":"task_end","session":"acme/nightly#1","object":"vm1","phase":"Transfer","result":"Failed","cause":"disabled","started":true,"snapshot_removed":true,"bytes":5}
{"t":@6m,"ev":"maintenance_enabled","server":"cc-01"}`)).To(BeEmpty())
	})
	It("M12: is violated by a task failed with cause disabled while its tenant is enabled", func() {
		v := handViolations("INV-14", nightly1+vm1Start+`{"t":@5m,"ev":"task_end","session":"acme/nightly#1","object":"vm1","phase":"Transfer","result":"Failed","cause":"disabled","started":true,"snapshot_removed":true,"bytes":5}`)
		Expect(v).To(HaveLen(1))
		Expect(v[0].Message).To(ContainSubstring("cause disabled"))
	})
	It("is violated by a task still in process after the disable", func() {
		Expect(handViolations("INV-14", nightly1+vm1Start+`{"t":@5m,"ev":"tenant_disabled","tenant":"acme","server":"cc-01"}`+"\n"+vm1Success)).To(HaveLen(1))
	})
	It("is violated by a task started by a disabled tenant, restores included", func() {
		Expect(handViolations("INV-14", `{"t":@1m,"ev":"tenant_disabled","tenant":"acme","server":"cc-01"}
{"t":@5m,"ev":"session_start","session":"acme/restore#1"}
{"t":@5m,"ev":"task_start","session":"acme/restore#1","object":"vm1","bytes":1,"due":@20m}`)).To(HaveLen(1))
	})
})

var _ = Describe("INV-15: backup-move-needs-disable", func() {
	It("is violated by a move while the tenant is enabled", func() {
		Expect(handViolations("INV-15", `{"t":@1m,"ev":"backup_moved","tenant":"acme","server":"cc-01"}`)).To(HaveLen(1))
	})
	It("holds for a move after the disable", func() {
		Expect(handViolations("INV-15", `{"t":@1m,"ev":"tenant_disabled","tenant":"acme","server":"cc-01"}
{"t":@1m,"ev":"backup_moved","tenant":"acme","server":"cc-01"}`)).To(BeEmpty())
	})
})

var _ = Describe("INV-16: retry-policy", func() {
	failed := func(n, at string) string {
		return `{"t":@` + at + `,"ev":"task_end","session":"acme/nightly#` + n + `","object":"vm1","phase":"Pending","result":"Failed","cause":"fault","bytes":0}
{"t":@` + at + `,"ev":"task_end","session":"acme/nightly#` + n + `","object":"vm2","phase":"Pending","result":"Failed","cause":"fault","bytes":0}
`
	}
	It("holds for a retry of the failed objects after retry.wait", func() {
		Expect(handViolations("INV-16", nightly1+failed("1", "0m")+`{"t":@10m,"ev":"attempt_start","session":"acme/nightly#1","attempt":2}
{"t":@10m,"ev":"task_end","session":"acme/nightly#1","attempt":2,"object":"vm1","phase":"Pending","result":"Failed","cause":"fault","bytes":0}
{"t":@10m,"ev":"task_end","session":"acme/nightly#1","attempt":2,"object":"vm2","phase":"Pending","result":"Failed","cause":"fault","bytes":0}
{"t":@10m,"ev":"session_end","session":"acme/nightly#1","attempt":2,"result":"Failed","cause":"fault","text":"Failed to connect to the service provider"}`)).To(BeEmpty())
	})
	It("is violated by a retry before retry.wait", func() {
		Expect(handViolations("INV-16", nightly1+failed("1", "0m")+`{"t":@5m,"ev":"attempt_start","session":"acme/nightly#1","attempt":2}`)).To(HaveLen(1))
	})
	It("is violated by a retry of a manual session", func() {
		Expect(handViolations("INV-16", `{"t":@0m,"ev":"session_start","session":"acme/nightly#1","manual":true}
`+failed("1", "0m")+`{"t":@10m,"ev":"attempt_start","session":"acme/nightly#1","attempt":2}`)).To(HaveLen(1))
	})
	It("is violated by a retry after a manual stop", func() {
		Expect(handViolations("INV-16", nightly1+`{"t":@0m,"ev":"stop_requested","session":"acme/nightly#1","mode":"immediate"}
`+failed("1", "0m")+`{"t":@10m,"ev":"attempt_start","session":"acme/nightly#1","attempt":2}`)).To(HaveLen(1))
	})
	It("is violated by more retries than retry.count", func() {
		Expect(handViolations("INV-16", nightly1+failed("1", "0m")+`{"t":@10m,"ev":"attempt_start","session":"acme/nightly#1","attempt":2}
`+strings.ReplaceAll(failed("1", "10m"), `"object"`, `"attempt":2,"object"`)+`{"t":@20m,"ev":"attempt_start","session":"acme/nightly#1","attempt":3}`)).To(HaveLen(1))
	})
	It("is violated by a session that ends Success although its last attempt failed, even when its tenant was disabled (the result reflects the last attempt)", func() {
		Expect(handViolations("INV-16", nightly1+`{"t":@0m,"ev":"tenant_disabled","tenant":"acme"}
`+failed("1", "0m")+`{"t":@0m,"ev":"session_end","session":"acme/nightly#1","result":"Success","text":""}`)).To(HaveLen(1))
	})
	It("lets a session that was not stopped end Warning when nothing failed (a real system's warnings), but not Failed", func() {
		ok := nightly1 + vm1Start + vm1Success + `{"t":@20m,"ev":"task_start","session":"acme/nightly#1","object":"vm2","bytes":100,"due":@40m}
{"t":@40m,"ev":"task_end","session":"acme/nightly#1","object":"vm2","phase":"Commit","result":"Success","started":true,"restore_point":true,"snapshot_removed":true,"bytes":100}
`
		Expect(handViolations("INV-16", ok+`{"t":@40m,"ev":"session_end","session":"acme/nightly#1","result":"Warning","text":"1 VM processed with warnings"}`)).To(BeEmpty())
		Expect(handViolations("INV-16", ok+`{"t":@40m,"ev":"session_end","session":"acme/nightly#1","result":"Failed","text":"x"}`)).To(HaveLen(1))
	})
	It("is violated by a session that gives up with retries left", func() {
		Expect(handViolations("INV-16", nightly1+failed("1", "0m")+`{"t":@0m,"ev":"session_end","session":"acme/nightly#1","result":"Failed","cause":"fault","text":"x"}`)).To(HaveLen(1))
	})
	// The session_end is what is judged: its cause cannot excuse it. Only a
	// stop or a tenant disable the trace shows ends the retries.
	It("is violated by a session that gives up with retries left, whatever cause its end claims", func() {
		for _, cause := range []string{"stop", "disabled"} {
			Expect(handViolations("INV-16", nightly1+failed("1", "0m")+`{"t":@0m,"ev":"session_end","session":"acme/nightly#1","result":"Failed","cause":"`+cause+`","text":"x"}`)).To(HaveLen(1), cause)
		}
	})
	It("holds for a session that a stop in the trace ended with retries left", func() {
		Expect(handViolations("INV-16", nightly1+`{"t":@0m,"ev":"stop_requested","session":"acme/nightly#1","mode":"immediate"}
`+failed("1", "0m")+`{"t":@0m,"ev":"session_end","session":"acme/nightly#1","result":"Failed","cause":"stop","mode":"immediate","text":"x"}`)).To(BeEmpty())
	})
})
