package model_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/maintsim/maintsim/model"
)

var _ = Describe("Types", func() {
	DescribeTable("versions parse numerically and print back",
		func(s string, want model.Version, printed string) {
			v, err := model.ParseVersion(s)
			Expect(err).NotTo(HaveOccurred())
			Expect(v).To(Equal(want))
			Expect(v.String()).To(Equal(printed))
		},
		Entry("9.5", "9.5", model.Version(90500), "9.5"),
		Entry("9.5u3", "9.5u3", model.Version(90503), "9.5u3"),
		Entry("9.5 Update 3 spelled out", "9.5update3", model.Version(90503), "9.5u3"),
		Entry("12", "12", model.Version(120000), "12"),
		Entry("12.1", "12.1", model.Version(120100), "12.1"),
		Entry("2.1", "2.1", model.Version(20100), "2.1"),
	)

	It("M1: 9.5 U3 is the minimum server version; 9.5 U2 and 9.5 are below it, 10 above", func() {
		Expect(model.MustVersion("9.5u2")).To(BeNumerically("<", model.MinServerForMaintenance))
		Expect(model.MustVersion("9.5")).To(BeNumerically("<", model.MinServerForMaintenance))
		Expect(model.MustVersion("10")).To(BeNumerically(">", model.MinServerForMaintenance))
	})

	It("refuses malformed versions and clients with a hint", func() {
		for _, s := range []string{"", "x", "9.x", "9.5ux", "9.5u100"} {
			_, err := model.ParseVersion(s)
			Expect(err).To(HaveOccurred(), s)
		}
		_, err := model.ParseClient("vbr")
		Expect(err).To(MatchError(ContainSubstring("PRODUCT VERSION")))
		_, err = model.ParseClient("veeam 12")
		Expect(err).To(MatchError(ContainSubstring("one of: vbr, vac")))
		_, err = model.ParseJobKind("snapshot")
		Expect(err).To(MatchError(ContainSubstring("backup, backup_copy")))
	})

	DescribeTable("M6: which clients understand the maintenance notice",
		func(s string, want bool) { Expect(client(s).SupportsNotice()).To(Equal(want)) },
		Entry(nil, "vbr 9.5", false),
		Entry(nil, "vbr 9.5u3", true),
		Entry(nil, "vac 9.5u2", false),
		Entry(nil, "vac 9.5u3", true),
		Entry(nil, "agent-windows 2.0", false),
		Entry(nil, "agent-windows 2.1", true),
		Entry(nil, "agent-linux 3", true),
		Entry(nil, "agent-mac 2.0", false),
		Entry("an agent's full build number", "agent-linux 2.1.0", true),
		Entry("an agent's full build number", "agent-windows 2.0.0.700", false),
		Entry("an agent's full build number", "agent-windows 5.0.2.4567", true),
	)

	It("refuses a VBR or VAC build number, whose update it cannot tell, with a hint", func() {
		_, err := model.ParseClient("vbr 9.5.0.1536")
		Expect(err).To(MatchError(ContainSubstring(`as in "vbr 9.5u3"`)))
		_, err = model.ParseClient("agent-linux 2.x.0")
		Expect(err).To(HaveOccurred())
	})

	DescribeTable("M3/M5 affected-jobs table (with M9 and M10 knobs at their defaults)",
		func(k model.JobKind, p model.Platform, m model.ManagedBy, t model.Target, want bool) {
			Expect(model.DefaultSemantics().Affected(k, p, m, t)).To(Equal(want))
		},
		Entry("vSphere backup to cloud repository", model.KindBackup, model.PlatformVSphere, model.ManagedByVBR, model.TargetCloudRepository, true),
		Entry("Hyper-V backup to cloud repository", model.KindBackup, model.PlatformHyperV, model.ManagedByVBR, model.TargetCloudRepository, true),
		Entry("M10: vCD backup (stop)", model.KindBackup, model.PlatformVCD, model.ManagedByVBR, model.TargetCloudRepository, true),
		Entry("M8: a backup of platform agent to the provider is not among the unaffected", model.KindBackup, model.PlatformAgent, model.ManagedByVBR, model.TargetCloudRepository, true),
		Entry("M8: backup to local", model.KindBackup, model.PlatformVSphere, model.ManagedByVBR, model.TargetLocal, false),
		Entry("backup copy to cloud repository", model.KindBackupCopy, model.PlatformVSphere, model.ManagedByVBR, model.TargetCloudRepository, true),
		Entry("M8: backup copy to local", model.KindBackupCopy, model.PlatformVSphere, model.ManagedByVBR, model.TargetLocal, false),
		Entry("agent backup managed by VBR", model.KindAgentBackup, model.PlatformAgent, model.ManagedByVBR, model.TargetCloudRepository, true),
		Entry("M4: standalone agent backup", model.KindAgentBackup, model.PlatformAgent, model.ManagedByAgent, model.TargetCloudRepository, true),
		Entry("M9: replication to cloud host (allow)", model.KindReplication, model.PlatformVSphere, model.ManagedByVBR, model.TargetCloudHost, false),
		Entry("M9: CDP to cloud host (allow)", model.KindCDP, model.PlatformVSphere, model.ManagedByVBR, model.TargetCloudHost, false),
		Entry("M8: restore", model.KindRestore, model.PlatformVSphere, model.ManagedByVBR, model.TargetCloudRepository, false),
		Entry("M8: failover", model.KindFailover, model.PlatformVSphere, model.ManagedByVBR, model.TargetCloudHost, false),
		Entry("M8: failback", model.KindFailback, model.PlatformVSphere, model.ManagedByVBR, model.TargetCloudHost, false),
	)

	It("restores and failover operations create no restore points; S5 graceful table", func() {
		for _, k := range []model.JobKind{model.KindRestore, model.KindFailover, model.KindFailback} {
			Expect(k.CreatesRestorePoints()).To(BeFalse(), k.String())
			Expect(k.GracefulStoppable()).To(BeFalse(), k.String())
		}
		for _, k := range []model.JobKind{model.KindBackup, model.KindReplication, model.KindAgentBackup} {
			Expect(k.GracefulStoppable()).To(BeTrue(), k.String())
		}
		Expect(model.KindBackupCopy.GracefulStoppable()).To(BeFalse())
		Expect(model.KindCDP.GracefulStoppable()).To(BeFalse())
	})

	It("every mutant has a unique name that parses back", func() {
		seen := map[string]bool{}
		for _, m := range model.Mutants() {
			Expect(seen[m.Name]).To(BeFalse(), m.Name)
			seen[m.Name] = true
			back, err := model.ParseMutant(m.Name)
			Expect(err).NotTo(HaveOccurred())
			Expect(back).To(Equal(m.Mutant))
		}
		_, err := model.ParseMutant("nope")
		Expect(err).To(HaveOccurred())
	})
})
