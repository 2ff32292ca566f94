package scenarios

import (
	"encoding/binary"
	"math"

	"github.com/maintsim/maintsim/model"
)

// appendExDetail encodes an exchange record's Ex for the trace hash: byte
// 1, then component u8, requester u8, state u8, effective u8, policy u8,
// database i32, client i32, target i32, msg i64, count i32, depth i32,
// target_depth i32, since i64, auto u8 (0/1), all little-endian.
func appendExDetail(b []byte, x *model.ExDetail) []byte {
	b = append(b, 1, byte(x.Component), byte(x.Requester), byte(x.State), byte(x.Effective), byte(x.Policy))
	for _, v := range [...]int32{x.Database, x.Client, x.Target} {
		b = binary.LittleEndian.AppendUint32(b, uint32(v))
	}
	b = binary.LittleEndian.AppendUint64(b, uint64(x.Msg))
	for _, v := range [...]int32{x.Count, x.Depth, x.TargetDepth} {
		b = binary.LittleEndian.AppendUint32(b, uint32(v))
	}
	b = binary.LittleEndian.AppendUint64(b, uint64(x.Since))
	return append(b, boolByte(x.Auto))
}

// appendExDecl encodes a declaration's exchange part: byte 1, then version
// and dag (u32 length + UTF-8 each), policy u8, message rate per hour
// (f64 bits), delivery time (kind u8, A and B as f64 bits), the holds
// (u32 count, then component, requester, state u8 each), the copies (u32
// count, then server i32, preference i32, suspended u8 each), active
// server i32, mounted u8, database i32, protocol u8, request rate per hour
// (f64 bits).
func appendExDecl(b []byte, x *model.ExDecl) []byte {
	b = append(b, 1)
	b = appendStr(b, x.Version)
	b = appendStr(b, x.DAG)
	b = append(b, byte(x.Policy))
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(x.MessageRatePerHour))
	b = append(b, byte(x.DeliveryTime.Kind))
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(x.DeliveryTime.A))
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(x.DeliveryTime.B))
	b = binary.LittleEndian.AppendUint32(b, uint32(len(x.Holds)))
	for _, h := range x.Holds {
		b = append(b, byte(h.Component), byte(h.Requester), byte(h.State))
	}
	b = binary.LittleEndian.AppendUint32(b, uint32(len(x.Copies)))
	for _, c := range x.Copies {
		b = binary.LittleEndian.AppendUint32(b, uint32(c.Server))
		b = binary.LittleEndian.AppendUint32(b, uint32(c.Preference))
		b = append(b, boolByte(c.Suspended))
	}
	b = binary.LittleEndian.AppendUint32(b, uint32(x.Active))
	b = append(b, boolByte(x.Mounted))
	b = binary.LittleEndian.AppendUint32(b, uint32(x.Database))
	b = append(b, byte(x.Protocol))
	return binary.LittleEndian.AppendUint64(b, math.Float64bits(x.RequestRatePerHour))
}

func boolByte(v bool) byte {
	if v {
		return 1
	}
	return 0
}
