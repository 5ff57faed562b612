package panel

import (
	"encoding/json"
	"net/http"
)

// apiSetMaintenance switches this node's maintenance on ({"on": true,
// "message": TEXT, "disconnect_after": "10m"}) or off ({"on": false}). Only an
// administrator's token may.
func (p *Panel) apiSetMaintenance(w http.ResponseWriter, r *http.Request) {
	if _, ok := p.apiQuery(w, r); !ok {
		return
	}
	if !currentUser(r).IsAdmin() {
		p.apiError(w, r, http.StatusForbidden, "only an administrator's token can see or switch maintenance")
		return
	}
	var body struct {
		On              *bool  `json:"on"`
		Message         string `json:"message"`
		DisconnectAfter string `json:"disconnect_after"`
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 8<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil || dec.More() {
		p.apiError(w, r, http.StatusBadRequest, `the body must be {"on": true, "message": TEXT, "disconnect_after": "10m"} or {"on": false}`)
		return
	}
	if body.On != nil && !*body.On {
		if _, err := p.stopMaintenance(r); err != nil {
			p.apiError(w, r, http.StatusNotFound, err.Error())
			return
		}
		p.writeJSON(w, r, http.StatusOK, p.apiMaintenanceView(p.registry.Maintenance()))
		return
	}
	message, after, err := maintenanceInput(body.Message, body.DisconnectAfter)
	if err != nil {
		p.apiError(w, r, http.StatusBadRequest, err.Error())
		return
	}
	m, err := p.startMaintenance(r, message, after)
	if err != nil {
		p.apiError(w, r, http.StatusNotFound, err.Error())
		return
	}
	p.writeJSON(w, r, http.StatusOK, p.apiMaintenanceView(m))
}
