package reports

import (
	"slices"
	"strconv"
	"strings"

	"github.com/maintsim/maintsim/scenarios"
)

// entityMatch resolves the entity strings of violations to things on the
// timeline. The accepted forms are the names the summary uses: a server
// name, a tenant name, TENANT/JOB, TENANT/JOB#N (a session) and
// TENANT/JOB#N/OBJECT (a task; "TENANT/JOB#N OBJECT" and ":OBJECT" too),
// optionally prefixed by a kind ("server:", "tenant:", "session:", …).
// Anything else matches nothing and the violation is drawn across all lanes.
type entityMatch struct {
	cat      *scenarios.Catalog
	servers  map[string]int32
	tenants  map[string]int32
	jobs     map[string]int32
	hlSrv    map[int32]bool
	hlTenant map[int32]bool
	hlJob    map[int32]bool
	hlSess   map[sessKey]bool
	hlTask   map[taskKey]bool
}

// entityRef is one resolved entity; -1 fields are absent.
type entityRef struct {
	server, tenant, job, n, obj int32
}

func newEntityMatch(cat *scenarios.Catalog, highlight []scenarios.Violation) *entityMatch {
	m := &entityMatch{cat: cat, servers: map[string]int32{}, tenants: map[string]int32{}, jobs: map[string]int32{},
		hlSrv: map[int32]bool{}, hlTenant: map[int32]bool{}, hlJob: map[int32]bool{}, hlSess: map[sessKey]bool{}, hlTask: map[taskKey]bool{}}
	for i, d := range cat.Servers {
		if d != nil {
			m.servers[d.Name] = int32(i)
		}
	}
	for i, d := range cat.Tenants {
		if d != nil {
			m.tenants[d.Name] = int32(i)
		}
	}
	for j, d := range cat.Jobs {
		if d != nil && j < len(cat.JobTenant) {
			m.jobs[cat.TenantName(cat.JobTenant[j])+"/"+d.Name] = int32(j)
		}
	}
	for _, v := range highlight {
		for _, r := range m.resolveAll(v.Entities) {
			switch {
			case r.obj >= 0:
				m.hlTask[taskKey{r.job, r.n, r.obj}] = true
			case r.n >= 0:
				m.hlSess[sessKey{r.job, r.n}] = true
			case r.job >= 0:
				m.hlJob[r.job] = true
			case r.tenant >= 0:
				m.hlTenant[r.tenant] = true
			case r.server >= 0:
				m.hlSrv[r.server] = true
			}
		}
	}
	return m
}

func (m *entityMatch) resolve(e string) (entityRef, bool) {
	none := entityRef{-1, -1, -1, -1, -1}
	e = strings.TrimSpace(e)
	if r, ok := m.resolveName(e); ok {
		return r, true
	}
	if _, rest, ok := cutKind(e); ok {
		return m.resolveName(rest)
	}
	return none, false
}

// cutKind splits "session acme/nightly#1" or "session:acme/nightly#1" into
// its kind word and the name.
func cutKind(e string) (string, string, bool) {
	i := strings.IndexAny(e, " :")
	if i <= 0 {
		return "", "", false
	}
	switch k := strings.ToLower(e[:i]); k {
	case "server", "tenant", "job", "session", "task", "object":
		return k, strings.TrimSpace(e[i+1:]), true
	}
	return "", "", false
}

// resolveAll resolves the entities of one violation together: the
// invariants name a task as "session T/J#N" plus "object O".
func (m *entityMatch) resolveAll(entities []string) []entityRef {
	var refs []entityRef
	var objects []string
	for _, e := range entities {
		if k, name, ok := cutKind(strings.TrimSpace(e)); ok && k == "object" {
			objects = append(objects, name)
			continue
		}
		if r, ok := m.resolve(e); ok {
			refs = append(refs, r)
		}
	}
	if len(objects) == 0 {
		return refs
	}
	out := refs[:0:0]
	for _, r := range refs {
		if r.job < 0 || r.n < 0 || r.obj >= 0 {
			out = append(out, r)
			continue
		}
		found := false
		if d := m.cat.Jobs[r.job]; d != nil {
			for _, name := range objects {
				for o, on := range d.Objects {
					if on == name {
						t := r
						t.obj = int32(o)
						out = append(out, t)
						found = true
					}
				}
			}
		}
		if !found {
			out = append(out, r)
		}
	}
	return out
}

func (m *entityMatch) resolveName(e string) (entityRef, bool) {
	none := entityRef{-1, -1, -1, -1, -1}
	if i, ok := m.servers[e]; ok {
		r := none
		r.server = i
		return r, true
	}
	if i, ok := m.tenants[e]; ok {
		r := none
		r.tenant = i
		return r, true
	}
	if j, ok := m.jobs[e]; ok {
		r := none
		r.job = j
		return r, true
	}
	if h := strings.LastIndexByte(e, '#'); h > 0 {
		j, ok := m.jobs[e[:h]]
		if !ok {
			return none, false
		}
		tail := e[h+1:]
		end := 0
		for end < len(tail) && tail[end] >= '0' && tail[end] <= '9' {
			end++
		}
		n, err := strconv.Atoi(tail[:end])
		if err != nil {
			return none, false
		}
		r := none
		r.job, r.n = j, int32(n)
		obj := strings.TrimLeft(tail[end:], "/: ")
		if obj != "" {
			r.obj = -1
			if d := m.cat.Jobs[j]; d != nil {
				for o, name := range d.Objects {
					if name == obj {
						r.obj = int32(o)
						break
					}
				}
			}
		}
		return r, true
	}
	// TENANT/JOB/OBJECT without a session number: the job's lane.
	if i := strings.LastIndexByte(e, '/'); i > 0 {
		if j, ok := m.jobs[e[:i]]; ok {
			r := none
			r.job = j
			return r, true
		}
	}
	return none, false
}

func (m *entityMatch) session(s *sessTrack) bool {
	return m.hlSess[sessKey{s.job, s.n}] || m.hlJob[s.job]
}

func (m *entityMatch) task(t *taskTrack) bool {
	return m.hlTask[taskKey{t.sess.job, t.sess.n, t.obj}] || m.hlSess[sessKey{t.sess.job, t.sess.n}]
}

// rows returns the timeline rows the entities live on.
func (m *entityMatch) rows(l *layout, entities []string) []rowSpan {
	var out []rowSpan
	seen := map[rowSpan]bool{}
	add := func(r rowSpan, ok bool) {
		if ok && !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	refs := m.resolveAll(entities)
	specific := slices.ContainsFunc(refs, func(r entityRef) bool { return r.job >= 0 || r.tenant >= 0 })
	for _, r := range refs {
		if specific && r.job < 0 && r.tenant < 0 {
			continue // "server X" beside a session: the session's lane says more
		}
		switch {
		case r.job >= 0:
			s, ok := l.jobRows[r.job]
			add(s, ok)
		case r.tenant >= 0:
			s, ok := l.tenantRows[r.tenant]
			add(s, ok)
		case r.server >= 0:
			for _, b := range l.blocks {
				if b.server == r.server {
					add(rowSpan{b.y0, b.y1}, true)
				}
			}
		}
	}
	return out
}
