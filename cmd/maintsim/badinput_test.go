package main

// CONTRACT.md: "Unknown fields, wrong types and dangling names ... are errors
// with FILE:LINE:COL, never silently ignored" and "Bad input (exit 2) prints
// FILE:LINE:COL: message on stderr, with the offending line and a caret".
// Each case below is a mistake a user makes, applied to the valid
// testdata/badinput/base.yaml; the caret must sit on the first character of
// `at` (looked up in the replacement text, else in the whole file).

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

type badCase struct {
	old, new string // the mistake: replace the first old of base.yaml by new
	at       string // the caret's place: the first character of at
	msg      string // the message contains this
}

// badCases are named after what the user did wrong.
var badCases = map[string]badCase{
	// top level and semantics
	"typo in a top-level field":   {"until: +12h", "untill: +12h", "untill", `unknown field "untill"`},
	"seed is a word":              {"seed: 3", "seed: three", "three", "seed"},
	"seed is negative":            {"seed: 3", "seed: -3", "-3", "negative"},
	"seed is too large for u64":   {"seed: 3", "seed: 99999999999999999999999", "9999", "too large"},
	"start is not RFC 3339":       {"start: 2026-11-02T20:00:00Z", "start: 2026-11-02 20:00", "2026", "RFC 3339"},
	"until before start":          {"until: +12h", "until: 2026-11-01T00:00:00Z", "2026", "start"},
	"until beyond int64 ns":       {"until: +12h", "until: +1000000d", "+1000000d", "too large"},
	"unknown profile":             {"profile: vcc", "profile: vmware", "vmware", `unknown profile "vmware"`},
	"typo in a knob name":         {"  replication_in_maintenance: allow", "  replication_in_maintenence: allow", "replication_in_maintenence", "did you mean replication_in_maintenance"},
	"unknown knob value":          {"  replication_in_maintenance: allow", "  replication_in_maintenance: maybe", "maybe", `"maybe"`},
	"graceful_stop_result Failed": {"  replication_in_maintenance: allow", "  replication_in_maintenance: allow\n  graceful_stop_result: Failed", "Failed", "graceful_stop_result"},
	"vcd knob value":              {"  replication_in_maintenance: allow", "  replication_in_maintenance: allow\n  vcd_backup_in_maintenance: sometimes", "sometimes", "vcd_backup_in_maintenance"},

	// servers
	"typo in a server field":        {`    version: "12"`, `    verison: "12"`, "verison", `unknown field "verison"`},
	"unsupported server version":    {`    version: "12"`, `    version: "9.4"`, `"9.4"`, "unsupported server version"},
	"task_slots is a word":          {"    task_slots: 8", "    task_slots: many", "many", "want an integer"},
	"task_slots is a fraction":      {"    task_slots: 8", "    task_slots: 3.5", "3.5", "want an integer"},
	"task_slots is negative":        {"    task_slots: 8", "    task_slots: -1", "-1", "negative"},
	"task_slots is huge":            {"    task_slots: 8", "    task_slots: 99999999999999999999999", "9999", "too large"},
	"bandwidth in bytes, 40GB/s":    {"    bandwidth: 10Gbit/s", "    bandwidth: 40GB/s", "40GB/s", "bad bandwidth"},
	"bandwidth without /s":          {"    bandwidth: 10Gbit/s", "    bandwidth: 10Gbit", "10Gbit", "bad bandwidth"},
	"bandwidth is a word":           {"    bandwidth: 10Gbit/s", "    bandwidth: fast", "fast", "bad bandwidth"},
	"two servers with one name":     {"    bandwidth: 10Gbit/s\n", "    bandwidth: 10Gbit/s\n  - name: cc-01\n    version: \"12\"\n", "cc-01", "duplicate server name"},
	"server without a name":         {"  - name: cc-01\n    version", "  - version", "version", "name: required"},
	"maintenance_message is a list": {`    version: "12"`, "    version: \"12\"\n    maintenance_message: [a, b]", "[a, b]", "want a string"},

	"server without a version": {"    version: \"12\"\n", "", "name: cc-01", "version: required"},

	// tenants
	"tenant without a server":        {"    server: cc-01\n", "", "name: acme", "server: required"},
	"tenant without a client":        {"    client: vbr 12\n", "", "name: acme", "client: required"},
	"typo in a tenant field":         {"    client: vbr 12", "    clinet: vbr 12", "clinet", "did you mean client"},
	"tenant on a missing server":     {"    server: cc-01", "    server: cc-02", "cc-02", `no server is named "cc-02"`},
	"unknown client product":         {"    client: vbr 12", "    client: veeam 12", "veeam", `unknown client product "veeam"`},
	"client without a version":       {"    client: vbr 12", "    client: vbr", "vbr", "PRODUCT VERSION"},
	"client is a list":               {"    client: vbr 12", "    client: [vbr, 12]", "[vbr", "want a string"},
	"max_concurrent_tasks is a word": {"    max_concurrent_tasks: 2", "    max_concurrent_tasks: two", "two", "want an integer"},
	"tenant bandwidth in MB/s":       {"    bandwidth: 200Mbit/s", "    bandwidth: 200MB/s", "200MB/s", "bad bandwidth"},
	"two tenants with one name":      {"tenants:\n", "tenants:\n  - {name: acme, server: cc-01, client: vbr 12}\n", "acme\n    server", "duplicate tenant name"},
	"tenant name with a slash":       {"  - name: acme", "  - name: ac/me", "ac/me", "contains / or #"},
	"fleet count in float syntax":    {"    server: cc-01\n    client", "    count: 1e9\n    server: cc-01\n    client", "1e9", "want an integer"},
	"fleet count over the limit":     {"    server: cc-01\n    client", "    count: 100000000\n    server: cc-01\n    client", "100000000", "limit"},

	// jobs and objects
	"typo in a job field":             {"        platform: vsphere", "        platfrom: vsphere", "platfrom", "did you mean platform"},
	"unknown job kind":                {"        kind: backup", "        kind: bakup", "bakup", `unknown job kind "bakup"`},
	"unknown platform":                {"        platform: vsphere", "        platform: vmware", "vmware", "unknown platform"},
	"unknown managed_by":              {"        managed_by: vbr", "        managed_by: vac", "vac", "unknown managed_by"},
	"unknown target":                  {"        target: cloud_repository", "        target: cloud", "cloud", "unknown target"},
	"job without a kind":              {"        kind: backup\n", "", "name: nightly", "kind: required"},
	"job without objects":             {"        objects:\n          - {name: vm1, size: 40GiB}\n          - {name: vm2, size: 10GiB, duration: 25m}\n", "", "name: nightly", "objects: required"},
	"empty object list":               {"        objects:\n          - {name: vm1, size: 40GiB}\n          - {name: vm2, size: 10GiB, duration: 25m}\n", "        objects: []\n", "[]", "objects: required"},
	"two objects with one name":       {"{name: vm2,", "{name: vm1,", "vm1", "duplicate object name"},
	"typo in an object field":         {"{name: vm1, size: 40GiB}", "{name: vm1, sise: 40GiB}", "sise", `unknown field "sise"`},
	"object without size or duration": {"{name: vm1, size: 40GiB}", "{name: vm1}", "{name: vm1}", "size"},
	"size 40G (which G?)":             {"size: 40GiB", "size: 40G", "40G", "bad size"},
	"size without a unit":             {"size: 40GiB", "size: 40", "40", "size"},
	"negative size":                   {"size: 40GiB", "size: -40GiB", "-40GiB", "negative"},
	"size in float syntax":            {"size: 40GiB", "size: 1e30TiB", "1e30TiB", "bad size"},
	"duration in words":               {"duration: 25m", "duration: 25 minutes", "25 minutes", "bad duration"},
	"duration without a unit":         {"duration: 25m", "duration: 25", "25", "has no unit"},
	"huge duration":                   {"duration: 25m", "duration: 1000000000h", "1000000000h", "too large"},
	"unknown distribution":            {"size: 40GiB", "size: {normal: 40GiB}", "normal", `unknown distribution "normal"`},
	"uniform with one bound":          {"size: 40GiB", "size: {uniform: [40GiB]}", "[40GiB]", "uniform"},
	"uniform reversed":                {"size: 40GiB", "size: {uniform: [40GiB, 1GiB]}", "[40GiB", "A ≤ B"},
	"lognormal median above p95":      {"size: 40GiB", "size: {lognormal: {median: 4GiB, p95: 1GiB}}", "{median", "median ≤ p95"},
	"exponential of a list":           {"duration: 25m", "duration: {exponential: [1m, 2m]}", "[1m", "got a list"},

	// schedules and retries
	"typo in a schedule":            {"{at: +2h}", "{att: +2h}", "att", `unknown field "att"`},
	"schedule at tomorrow":          {"{at: +2h}", "{at: tomorrow}", "tomorrow", "bad time"},
	"schedule at a negative offset": {"{at: +2h}", "{at: -1h}", "-1h", "bad time"},
	"schedule before start":         {"{at: +2h}", "{at: 2026-11-01T00:00:00Z}", "2026", "before start"},
	"schedule after until":          {"{at: +2h}", "{at: +13h}", "+13h", "after until"},
	"daily at 25:00":                {"{at: +2h}", `{daily: "25:00"}`, `"25:00"`, "bad time of day"},
	"daily and every together":      {"{at: +2h}", `{daily: "22:00", every: 4h}`, "4h", "do not combine"},
	"manual with a time":            {"{at: +2h}", "{manual: true, at: +2h}", "true", "does not combine"},
	"typo in retry":                 {"{count: 1, wait: 10m}", "{count: 1, wiat: 10m}", "wiat", "did you mean wait"},
	"negative retry count":          {"{count: 1, wait: 10m}", "{count: -1, wait: 10m}", "-1", "negative"},
	"a fleet of zero tenants":       {"    server: cc-01\n    client", "    count: 0\n    server: cc-01\n    client", "0", "a fleet has at least one tenant"},
	"a zero bandwidth":              {"bandwidth: 200Mbit/s", "bandwidth: 0bit/s", "0bit/s", "is zero"},
	"a quoted number":               {"seed: 3", `seed: "3"`, `"3"`, `got the string "3"`},
	"a quoted negative count":       {"task_slots: 8", `task_slots: "-1"`, `"-1"`, `got the string "-1"`},
	"a huge negative count":         {"task_slots: 8", "task_slots: -99999999999999999999", "-9999", "too small"},
	"max_events: 0":                 {"until: +12h\n", "until: +12h\nlimits: {max_events: 0}\n", "0}", "0 would stop the run at its first event"},
	"a null value":                  {"task_slots: 8", "task_slots: null", "null", "no value (null); give one, or leave task_slots out for its default"},
	"a null retry wait":             {"{count: 1, wait: 10m}", "{count: 1, wait: null}", "null", "no value (null)"},
	"a newline in a tenant name":    {"- name: acme", `- name: "ac\nme"`, `"ac`, "contains a control character"},
	"an escape in an object name":   {"{name: vm1,", `{name: "vm\e[31m1",`, `"vm`, "contains a control character"},
	"a session number with a zero":  {"session: acme/nightly#1", "session: acme/nightly#01", "acme/nightly#01", "write the session number plainly, as in acme/nightly#1"},
	"retry wait without a unit":     {"{count: 1, wait: 10m}", "{count: 1, wait: 10}", "10", "has no unit"},
	"retry as a number":             {"retry: {count: 1, wait: 10m}", "retry: 3", "3", "want a mapping"},

	// actions
	"unknown do:":                   {"do: enable_maintenance", "do: enable_maintenence", "enable_maintenence", "unknown action"},
	"action on a missing server":    {"do: enable_maintenance, server: cc-01", "do: enable_maintenance, server: cc-09", "cc-09", `no server is named "cc-09"`},
	"action without its server":     {"{at: +2h10m, do: enable_maintenance, server: cc-01}", "{at: +2h10m, do: enable_maintenance}", "{at", "server: required"},
	"action on a missing tenant":    {"{at: +4h, do: disable_maintenance, server: cc-01}", "{at: +4h, do: start_job, tenant: acm, job: nightly}", "acm,", `no tenant is named "acm"`},
	"action on a missing job":       {"{at: +4h, do: disable_maintenance, server: cc-01}", "{at: +4h, do: start_job, tenant: acme, job: nighty}", "nighty", `no job named "nighty"`},
	"unknown stop mode":             {"{at: +4h, do: disable_maintenance, server: cc-01}", "{at: +4h, do: stop_job, tenant: acme, job: nightly, mode: fast}", "fast", "unknown stop mode"},
	"stop without a mode":           {"{at: +4h, do: disable_maintenance, server: cc-01}", "{at: +4h, do: stop_job, tenant: acme, job: nightly}", "{at", "mode: required"},
	"message without text":          {"{at: +4h, do: disable_maintenance, server: cc-01}", "{at: +4h, do: set_maintenance_message, server: cc-01}", "{at", "text: required"},
	"move_backups without tenant":   {"{at: +4h, do: disable_maintenance, server: cc-01}", "{at: +4h, do: move_backups}", "{at", "tenant: required"},
	"field an action does not take": {"{at: +4h, do: disable_maintenance, server: cc-01}", "{at: +4h, do: disable_tenant, tenant: acme, server: cc-01}", "server", "does not take server"},
	"typo in an action field":       {"{at: +4h, do: disable_maintenance, server: cc-01}", "{at: +4h, do: power_off, sever: cc-01}", "sever", "did you mean server"},
	"action without at":             {"{at: +4h, do: disable_maintenance, server: cc-01}", "{do: power_off, server: cc-01}", "{do", "at: required"},
	"action before start":           {"{at: +4h, do:", "{at: 2026-11-01T00:00:00Z, do:", "2026", "before start"},
	"action after until":            {"{at: +4h, do:", "{at: +13h, do:", "+13h", "after until"},

	// expect
	"typo in an expectation":            {"    result: Success", "    reslt: Success", "reslt", "did you mean result"},
	"unknown session result":            {"    result: Success", "    result: Failure", "Failure", `unknown result "Failure"`},
	"session without #N":                {"session: acme/nightly#1", "session: acme/nightly", "acme/nightly", "TENANT/JOB#N"},
	"session of a missing job":          {"session: acme/nightly#1", "session: acme/nightlyx#1", "acme", `no job named "nightlyx"`},
	"session of a missing tenant":       {"session: acme/nightly#1", "session: acme2/nightly#1", "acme2", "acme2"},
	"session #0":                        {"session: acme/nightly#1", "session: acme/nightly#0", "acme", "start at 1"},
	"unknown invariant ID":              {"  - invariants: hold", "  - invariants: {violated: INV-99}", "INV-99", `unknown invariant "INV-99"`},
	"invariants: holds":                 {"  - invariants: hold", "  - invariants: holds", "holds", "want hold or {violated: INV-NN}"},
	"task of a missing object":          {"    result: Success", "    result: Success\n    tasks: {vm9: Failed}", "vm9", `no object "vm9"`},
	"unknown task result":               {"    result: Success", "    result: Success\n    tasks: {vm1: Done}", "Done", `unknown result "Done"`},
	"restore point of a missing object": {"    result: Success", "    result: Success\n    restore_points: [vm9]", "vm9", `no object "vm9"`},
	"restore_points as a string":        {"    result: Success", "    result: Success\n    restore_points: vm1", "vm1", "want a list"},

	// YAML itself
	"tab indentation":        {`    version: "12"`, "\tversion: \"12\"", "\t", "YAML"},
	"unclosed flow mapping":  {"{name: vm1, size: 40GiB}", "{name: vm1, size: 40GiB", "- {name: vm2", "YAML"},
	"duplicate key":          {"until: +12h", "until: +12h\nuntil: +13h", "until: +13h", `duplicate field "until"`},
	"a second YAML document": {"  - invariants: hold", "  - invariants: hold\n---\nname: second", "name: second", "one YAML document"},
	"unterminated quote":     {`    version: "12"`, `    version: "12`, `"12`, "YAML"},
}

// errorHeader is one problem's first line.
var errorHeader = regexp.MustCompile(`^case\.yaml:(\d+):(\d+): (.*)$`)

// position is the 1-based line and column (in characters) of offset in s.
func position(s string, offset int) (line, col int) {
	before := s[:offset]
	line = strings.Count(before, "\n") + 1
	col = utf8.RuneCountInString(before[strings.LastIndex(before, "\n")+1:]) + 1
	return line, col
}

// expectPositioned checks that stderr holds a problem at line:col with msg,
// and that every problem is FILE:LINE:COL: message, the line, a caret.
func expectPositioned(r result, source string, line, col int, msg string) {
	GinkgoHelper()
	Expect(r.code).To(Equal(2), r.String())
	Expect(r.stdout).To(BeEmpty(), "bad input runs nothing")
	lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
	src := strings.Split(source, "\n")
	found := false
	for i := 0; i < len(lines); i++ {
		m := errorHeader.FindStringSubmatch(lines[i])
		Expect(m).NotTo(BeNil(), "line %d of stderr is not FILE:LINE:COL: message\n%s", i+1, r)
		l, _ := strconv.Atoi(m[1])
		c, _ := strconv.Atoi(m[2])
		Expect(i+2).To(BeNumerically("<", len(lines)), "no offending line and caret\n%s", r)
		Expect(lines[i+1]).To(Equal("    "+strings.TrimRight(src[l-1], "\r")), "the offending line\n%s", r)
		pad := []rune(strings.TrimRight(src[l-1], "\r"))[:min(c-1, utf8.RuneCountInString(src[l-1]))]
		for j := range pad {
			if pad[j] != '\t' {
				pad[j] = ' '
			}
		}
		Expect(lines[i+2]).To(Equal("    "+string(pad)+"^"), "the caret\n%s", r)
		if l == line && c == col && strings.Contains(m[3], msg) {
			found = true
		}
		i += 2
	}
	Expect(found).To(BeTrue(), "want a problem at %d:%d containing %q\n%s", line, col, msg, r)
}

var _ = Describe("bad input: exit 2, FILE:LINE:COL, the line and a caret", func() {
	base := readFile("testdata/badinput/base.yaml")

	It("the base file itself is valid and passes", func() {
		r := ms("", "run", "testdata/badinput/base.yaml")
		Expect(r.code).To(Equal(0), r.String())
	})

	for name, bc := range badCases {
		It(name, func() {
			dir := GinkgoT().TempDir()
			idx := strings.Index(base, bc.old)
			Expect(idx).To(BeNumerically(">=", 0), "base.yaml has no %q", bc.old)
			text := base[:idx] + bc.new + base[idx+len(bc.old):]
			off := strings.Index(bc.new, bc.at)
			if off >= 0 {
				off += idx
			} else {
				off = strings.Index(text, bc.at)
			}
			Expect(off).To(BeNumerically(">=", 0), "the case's at %q is nowhere", bc.at)
			line, col := position(text, off)
			writeFile(dir, "case.yaml", text)
			expectPositioned(ms(dir, "run", "case.yaml"), text, line, col, bc.msg)
			// check and sweep read scenario files the same way.
			expectPositioned(ms(dir, "check", "--runs", "1", "case.yaml"), text, line, col, bc.msg)
		})
	}

	It("several mistakes are all reported, in file order", func() {
		dir := GinkgoT().TempDir()
		text := replaceOnce(base, "until: +12h", "untill: +12h")
		text = replaceOnce(text, "        platform: vsphere", "        platfrom: vsphere")
		text = replaceOnce(text, "    result: Success", "    reslt: Success")
		writeFile(dir, "case.yaml", text)
		r := ms(dir, "run", "case.yaml")
		Expect(r.code).To(Equal(2))
		Expect(regexp.MustCompile(`(?m)^case\.yaml:(\d+):\d+: `).FindAllStringSubmatch(r.stderr, -1)).To(HaveLen(3))
		Expect(strings.Index(r.stderr, "untill")).To(BeNumerically("<", strings.Index(r.stderr, "platfrom")))
		Expect(strings.Index(r.stderr, "platfrom")).To(BeNumerically("<", strings.Index(r.stderr, "reslt")))
	})

	It("a file that is not UTF-8 points at the first bad byte", func() {
		dir := GinkgoT().TempDir()
		text := replaceOnce(base, "name: bad input base", "name: bad \xe9 input")
		writeFile(dir, "case.yaml", text)
		r := ms(dir, "run", "case.yaml")
		Expect(r.code).To(Equal(2), r.String())
		Expect(r.stderr).To(HavePrefix("case.yaml:2:11: "))
	})

	DescribeTable("a file that is no scenario at all",
		func(content, want string) {
			dir := GinkgoT().TempDir()
			writeFile(dir, "case.yaml", content)
			r := ms(dir, "run", "case.yaml")
			Expect(r.code).To(Equal(2), r.String())
			Expect(r.stdout).To(BeEmpty())
			Expect(r.stderr).To(HavePrefix("case.yaml"))
			Expect(r.stderr).To(ContainSubstring(want))
		},
		Entry("an empty file", "", "empty"),
		Entry("only blank lines", "\n\n  \n", "empty"),
		Entry("only a comment", "# nothing here\n", "no YAML content"),
		Entry("a list", "- a\n- b\n", "case.yaml:1:1: want a mapping"),
		Entry("a number", "42\n", "case.yaml:1:1: want a mapping"),
		Entry("a string", "hello\n", "case.yaml:1:1: want a mapping"),
	)

	It("a missing file and a directory are bad input too", func() {
		dir := GinkgoT().TempDir()
		r := ms(dir, "run", "missing.yaml")
		Expect(r.code).To(Equal(2))
		Expect(r.stderr).To(HavePrefix("missing.yaml: cannot read the scenario file: no such file or directory"))
		Expect(os.Mkdir(filepath.Join(dir, "sub.yaml"), 0o755)).To(Succeed())
		r = ms(dir, "run", "sub.yaml")
		Expect(r.code).To(Equal(2))
		Expect(r.stderr).To(ContainSubstring("is a directory"))
	})
})

// Documented extensions (docs/scenario-format.md): CONTRACT.md names the
// required forms; these extra spellings are accepted on purpose.
var _ = DescribeTable("documented extensions and defaults are accepted",
	func(pairs ...string) {
		text := readFile("testdata/badinput/base.yaml")
		for i := 0; i+1 < len(pairs); i += 2 {
			if pairs[i] == "" {
				text = pairs[i+1] + text
				continue
			}
			text = replaceOnce(text, pairs[i], pairs[i+1])
		}
		dir := GinkgoT().TempDir()
		r := ms(dir, "run", writeFile(dir, "case.yaml", text))
		Expect(r.code).To(Equal(0), r.String())
	},
	Entry("bandwidth in Gbps", "bandwidth: 10Gbit/s", "bandwidth: 10Gbps"),
	Entry("bandwidth in Kbit/s", "bandwidth: 200Mbit/s", "bandwidth: 200000Kbit/s"),
	Entry("size in decimal GB", "size: 40GiB", "size: 40GB"),
	Entry("size in KiB", "size: 10GiB", "size: 10485760KiB"),
	Entry("size in MiB and TiB", "size: 40GiB", "size: 40960MiB", "size: 10GiB", "size: 0.01TiB"),
	Entry("durations in days", "wait: 10m", "wait: 1d"),
	Entry("an unquoted version number", `version: "12"`, "version: 12"),
	Entry("every with a first time", "{at: +2h}", "{every: 6h, at: +2h}"),
	Entry("an absolute RFC 3339 time with an offset", "{at: +2h}", "{at: 2026-11-02T23:00:00+01:00}"),
	Entry("absolute until", "until: +12h", "until: 2026-11-03T08:00:00Z"),
	Entry("no name (the file name is used)", "name: bad input base\n", ""),
	Entry("no seed (1)", "seed: 3\n", ""),
	Entry("no semantics (the defaults)", "semantics:\n  profile: vcc\n  replication_in_maintenance: allow\n", ""),
	Entry("a UTF-8 byte order mark", "", "\ufeff"),
	Entry("YAML anchors and aliases", "    server: cc-01\n", "    server: &srv cc-01\n", "server: cc-01}", "server: *srv}"),
)

var _ = Describe("Windows line endings everywhere", func() {
	It("a CRLF file runs like the LF one", func() {
		text := readFile("testdata/badinput/base.yaml")
		dir := GinkgoT().TempDir()
		lf := ms(dir, "run", "--format", "json", writeFile(dir, "lf.yaml", text))
		crlf := ms(dir, "run", "--format", "json", writeFile(dir, "crlf.yaml", strings.ReplaceAll(text, "\n", "\r\n")))
		Expect(crlf.code).To(Equal(0), crlf.String())
		Expect(regexp.MustCompile(`"trace_hash": "[0-9a-f]+"`).FindString(crlf.stdout)).To(
			Equal(regexp.MustCompile(`"trace_hash": "[0-9a-f]+"`).FindString(lf.stdout)))
	})

	It("a CRLF file with a mistake still points at it", func() {
		text := strings.ReplaceAll(replaceOnce(readFile("testdata/badinput/base.yaml"), "kind: backup", "kind: bakup"), "\n", "\r\n")
		dir := GinkgoT().TempDir()
		writeFile(dir, "case.yaml", text)
		expectPositioned(ms(dir, "run", "case.yaml"), text, 22, 15, "bakup")
	})
})
