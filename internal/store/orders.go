package store

import "sanfang/internal/domain"

// Each entity's orders map an order field to a stored, never-empty field.
// Names sort by their Chinese collation key (see domain.NameKey).

func orderOf[F ~string](field F, dir domain.OrderDirection, fields map[F]string, def F, defDesc bool) Order {
	if field == "" {
		return Order{Name: string(def), Field: fields[def], Desc: defDesc}
	}
	return Order{Name: string(field), Field: fields[field], Desc: dir == domain.Desc}
}

var (
	enterpriseOrders = map[domain.EnterpriseOrderField]string{
		domain.EnterpriseByName: "nameKey", domain.EnterpriseByCreatedAt: "createdAt", domain.EnterpriseByUpdatedAt: "updatedAt",
	}
	unionOrders = map[domain.UnionOrderField]string{
		domain.UnionByName: "nameKey", domain.UnionByCreatedAt: "createdAt", domain.UnionByUpdatedAt: "updatedAt",
	}
	meetingOrders = map[domain.MeetingOrderField]string{
		domain.MeetingByDate: "date", domain.MeetingByUpdatedAt: "updatedAt",
	}
	planOrders = map[domain.PlanOrderField]string{
		domain.PlanByYear: "year", domain.PlanByUpdatedAt: "updatedAt",
	}
	taskOrders = map[domain.TaskOrderField]string{
		domain.TaskByNumber: "number", domain.TaskByProgress: "progress", domain.TaskByUpdatedAt: "updatedAt",
	}
	activityOrders = map[domain.ActivityOrderField]string{
		domain.ActivityByDate: "date", domain.ActivityByUpdatedAt: "updatedAt",
	}
)

// EnterpriseOrder is the order for o; by name when o is nil.
func EnterpriseOrder(o *domain.EnterpriseOrder) Order {
	if o == nil {
		o = &domain.EnterpriseOrder{}
	}
	return orderOf(o.Field, o.Direction, enterpriseOrders, domain.EnterpriseByName, false)
}

// UnionOrder is the order for o; by name when o is nil.
func UnionOrder(o *domain.UnionOrder) Order {
	if o == nil {
		o = &domain.UnionOrder{}
	}
	return orderOf(o.Field, o.Direction, unionOrders, domain.UnionByName, false)
}

// MeetingOrder is the order for o; newest first when o is nil.
func MeetingOrder(o *domain.MeetingOrder) Order {
	if o == nil {
		o = &domain.MeetingOrder{}
	}
	return orderOf(o.Field, o.Direction, meetingOrders, domain.MeetingByDate, true)
}

// PlanOrder is the order for o; newest year first when o is nil.
func PlanOrder(o *domain.PlanOrder) Order {
	if o == nil {
		o = &domain.PlanOrder{}
	}
	return orderOf(o.Field, o.Direction, planOrders, domain.PlanByYear, true)
}

// TaskOrder is the order for o; by number when o is nil.
func TaskOrder(o *domain.TaskOrder) Order {
	if o == nil {
		o = &domain.TaskOrder{}
	}
	return orderOf(o.Field, o.Direction, taskOrders, domain.TaskByNumber, false)
}

// ActivityOrder is the order for o; newest first when o is nil.
func ActivityOrder(o *domain.ActivityOrder) Order {
	if o == nil {
		o = &domain.ActivityOrder{}
	}
	return orderOf(o.Field, o.Direction, activityOrders, domain.ActivityByDate, true)
}

// FiguresOrder orders membership figures, newest period first.
var FiguresOrder = Order{Name: "PERIOD", Field: "period", Desc: true}

// ProgressOrder orders progress updates, newest first.
var ProgressOrder = Order{Name: "REPORTED_AT", Field: "reportedAt", Desc: true}

// PersonOrder orders people by name.
var PersonOrder = Order{Name: "NAME", Field: "nameKey"}

// AuditOrder orders the audit log, newest first.
var AuditOrder = Order{Name: "SEQ", Field: "seq", Desc: true}
