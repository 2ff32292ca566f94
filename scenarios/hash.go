package scenarios

import (
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/cespare/xxhash/v2"

	"github.com/maintsim/maintsim/model"
)

// TraceHash fingerprints the canonical event stream: XXH64 (seed 0) over
// the concatenation of every record's canonical binary encoding, in trace
// order. The encoding is documented in docs/trace-format.md ("trace_hash")
// so other tools can recompute it; it avoids JSON so that hashing costs a
// few percent of a run, not most of it.
type TraceHash struct {
	d   *xxhash.Digest
	buf []byte
	n   uint64
}

// hashChunk is how many encoded bytes TraceHash gathers before handing them
// to the digest: XXH64 is a stream hash, so the sum is the same however
// the stream is cut, and one large Write costs far less than a Write of
// ~70 bytes per record.
const hashChunk = 32 << 10

// NewTraceHash returns an empty hash.
func NewTraceHash() *TraceHash {
	return &TraceHash{d: xxhash.New(), buf: make([]byte, 0, hashChunk+1024)}
}

// Observe implements sim.Observer.
func (h *TraceHash) Observe(r *model.Record) {
	h.buf = AppendCanonical(h.buf, r)
	if len(h.buf) >= hashChunk {
		h.d.Write(h.buf)
		h.buf = h.buf[:0]
	}
	h.n++
}

// ObserveBatch implements sim.BatchObserver: a step's records in one call
// (the hash runs on the loop's goroutine, where a call per record adds up).
func (h *TraceHash) ObserveBatch(rs []model.Record) {
	for i := range rs {
		h.Observe(&rs[i])
	}
}

func (h *TraceHash) flush() {
	if len(h.buf) > 0 {
		h.d.Write(h.buf)
		h.buf = h.buf[:0]
	}
}

// Records is how many records were hashed.
func (h *TraceHash) Records() uint64 { return h.n }

// Sum returns the hash as 16 lowercase hex digits.
func (h *TraceHash) Sum() string {
	h.flush()
	return fmt.Sprintf("%016x", h.d.Sum64())
}

// AppendCanonical appends r's canonical encoding: little-endian fixed-width
// fields in this order — at i64, kind u8, result u8, phase u8, cause u8,
// mode u8, flags u16, server i32, tenant i32, job i32, n i32, object i32,
// attempt i32, bytes i64, due i64, transfer_at i64, commit_at i64, text
// (u32 length + UTF-8) — then, for
// declaration records only, the declaration (see docs/trace-format.md).
// Exchange profile records append their exchange parts last: a
// declaration's Decl.Exchange, then the record's Ex, each as a byte 1 and
// the fields listed at appendExDecl and appendExDetail (hash_exchange.go).
// Cloud Connect records have neither, so their encoding is unchanged.
func AppendCanonical(b []byte, r *model.Record) []byte {
	// The fixed part is written in place after one capacity check: the
	// hash runs on every record of a run, and an append per field was most
	// of its cost.
	n := len(b)
	b = slices.Grow(b, canonFixed+len(r.Text))[:n+canonFixed]
	p := b[n : n+canonFixed : n+canonFixed]
	le := binary.LittleEndian
	le.PutUint64(p[0:], uint64(r.At))
	p[8], p[9], p[10], p[11], p[12] = byte(r.Kind), byte(r.Result), byte(r.Phase), byte(r.Cause), byte(r.Mode)
	le.PutUint16(p[13:], uint16(r.Flags))
	le.PutUint32(p[15:], uint32(r.Server))
	le.PutUint32(p[19:], uint32(r.Tenant))
	le.PutUint32(p[23:], uint32(r.Job))
	le.PutUint32(p[27:], uint32(r.N))
	le.PutUint32(p[31:], uint32(r.Object))
	le.PutUint32(p[35:], uint32(r.Attempt))
	le.PutUint64(p[39:], uint64(r.Bytes))
	le.PutUint64(p[47:], uint64(r.Due))
	le.PutUint64(p[55:], uint64(r.TransferAt))
	le.PutUint64(p[63:], uint64(r.CommitAt))
	le.PutUint32(p[71:], uint32(len(r.Text)))
	b = append(b, r.Text...)
	if d := r.Decl; d != nil {
		b = appendStr(b, d.Name)
		switch r.Kind {
		case model.RecScenario:
			b = binary.LittleEndian.AppendUint64(b, d.Seed)
			b = binary.LittleEndian.AppendUint64(b, uint64(d.Start.UnixNano()))
			s := d.Semantics
			b = appendStr(b, s.Profile)
			b = append(b, byte(s.ReplicationInMaintenance), byte(s.VCDBackupInMaintenance), byte(s.GracefulStopResult))
			b = binary.LittleEndian.AppendUint64(b, uint64(s.SnapshotTime))
			b = binary.LittleEndian.AppendUint64(b, uint64(s.CommitTime))
		case model.RecServer:
			b = binary.LittleEndian.AppendUint32(b, uint32(d.Version))
			b = binary.LittleEndian.AppendUint32(b, uint32(d.TaskSlots))
			b = binary.LittleEndian.AppendUint64(b, uint64(d.BandwidthBps))
			b = appendStr(b, d.ConfiguredMessage)
		case model.RecTenant:
			b = append(b, byte(d.Client.Product))
			b = binary.LittleEndian.AppendUint32(b, uint32(d.Client.Version))
			b = binary.LittleEndian.AppendUint32(b, uint32(d.MaxTasks))
			b = binary.LittleEndian.AppendUint64(b, uint64(d.BandwidthBps))
			b = binary.LittleEndian.AppendUint64(b, uint64(d.RPO))
		case model.RecJob:
			b = append(b, byte(d.Kind), byte(d.Platform), byte(d.ManagedBy), byte(d.Target))
			b = binary.LittleEndian.AppendUint32(b, uint32(len(d.Objects)))
			for _, o := range d.Objects {
				b = appendStr(b, o)
			}
			b = binary.LittleEndian.AppendUint32(b, uint32(d.RetryCount))
			b = binary.LittleEndian.AppendUint64(b, uint64(d.RetryWait))
		}
		if d.Exchange != nil {
			b = appendExDecl(b, d.Exchange)
		}
	}
	if r.Ex != nil {
		b = appendExDetail(b, r.Ex)
	}
	return b
}

// canonFixed is the length of a record's fixed part: at … commit_at and
// the text's length.
const canonFixed = 8 + 5 + 2 + 6*4 + 4*8 + 4

func appendStr(b []byte, s string) []byte {
	b = binary.LittleEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}
