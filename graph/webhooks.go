package graph

import (
	"context"

	"sanfang/internal/auth"
	"sanfang/internal/domain"
)

// mayManageWebhooks: webhooks, like API keys, are an admin's to manage.
func (r *Resolver) mayManageWebhooks(ctx context.Context) error {
	return r.Write.Policy().Authorize(auth.FromContext(ctx), auth.ActionManageKeys, auth.Resource{Kind: auth.KindAPIKey})
}

// webhookID checks an id argument of the webhook mutations.
func webhookID(id string) error {
	if id == "" {
		return domain.InputErrorf("id", "id is required: pass the id of a webhook or delivery as listed")
	}
	return nil
}
