package scenarios

import "github.com/maintsim/maintsim/model"

// Metrics are the per-run numbers of the summary and sweep records
// (docs/metrics.md). Durations are seconds, sizes bytes, counts integers.
type Metrics struct {
	SessionsTotal     int64 `json:"sessions_total"`
	SessionsSucceeded int64 `json:"sessions_succeeded"`
	SessionsWarning   int64 `json:"sessions_warning"`
	SessionsFailed    int64 `json:"sessions_failed"`
	TasksTotal        int64 `json:"tasks_total"`
	TasksSucceeded    int64 `json:"tasks_succeeded"`
	TasksFailed       int64 `json:"tasks_failed"`
	TasksCanceled     int64 `json:"tasks_canceled"`
	BytesTransferred  int64 `json:"bytes_transferred"`
	BytesWasted       int64 `json:"bytes_wasted"`
}

// metricsObserver accumulates Metrics online from the record stream.
type metricsObserver struct {
	m Metrics
}

func (o *metricsObserver) Observe(r model.Record) {
	switch r.Kind {
	case model.RecSessionStart:
		o.m.SessionsTotal++
	case model.RecSessionEnd:
		switch r.Result {
		case model.ResultSuccess:
			o.m.SessionsSucceeded++
		case model.ResultWarning:
			o.m.SessionsWarning++
		case model.ResultFailed:
			o.m.SessionsFailed++
		}
	case model.RecTaskEnd:
		o.m.TasksTotal++
		o.m.BytesTransferred += r.Bytes
		switch r.Result {
		case model.ResultSuccess:
			o.m.TasksSucceeded++
		case model.ResultFailed:
			o.m.TasksFailed++
			o.m.BytesWasted += r.Bytes
		case model.ResultCanceled:
			o.m.TasksCanceled++
			o.m.BytesWasted += r.Bytes
		}
	}
}

func (o *metricsObserver) Finish() Metrics { return o.m }
