package domain

// IsEntity marks the records a federated GraphQL gateway may fetch from
// sanfang by key (Apollo Federation entities). The method carries no
// behaviour; gqlgen's federation runtime recognises entities by it.
func (Body) IsEntity()       {}
func (Person) IsEntity()     {}
func (Enterprise) IsEntity() {}
func (Union) IsEntity()      {}
func (Meeting) IsEntity()    {}
func (Plan) IsEntity()       {}
func (Task) IsEntity()       {}
func (Activity) IsEntity()   {}
