package panel

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/ftppanel/ftppanel/internal/store"
)

// apiCreateAccount adds an FTP account: {"login", "customer", "password"}. A
// customer's token adds to its own accounts ("customer" may be left out; any
// other customer is not found); an administrator's names the customer. Without
// a password a random one is made and returned, in this answer only.
func (p *Panel) apiCreateAccount(w http.ResponseWriter, r *http.Request) {
	if _, ok := p.apiQuery(w, r); !ok {
		return
	}
	var body struct {
		Login    string  `json:"login"`
		Customer string  `json:"customer"`
		Password *string `json:"password"`
	}
	if !p.readBody(w, r, &body) {
		return
	}
	u := currentUser(r)
	customer := strings.TrimSpace(body.Customer)
	switch {
	case !u.IsAdmin() && customer != "" && customer != u.Customer:
		p.apiCustomerNotFound(w, r, customer) // another customer is not there for this token
		return
	case !u.IsAdmin():
		customer = u.Customer
	case customer == "":
		p.apiInvalid(w, r, "customer", errors.New("name the customer that owns the account"))
		return
	}
	if err := store.ValidateName("customer", customer); err != nil {
		p.apiInvalid(w, r, "customer", err)
		return
	}
	if err := store.ValidateName("FTP login", body.Login); err != nil {
		p.apiInvalid(w, r, "login", err)
		return
	}
	password, generated := "", ""
	if body.Password == nil {
		password = randomPassword()
		generated = password
	} else if password = *body.Password; passwordProblem(password) != nil {
		p.apiInvalid(w, r, "password", passwordProblem(password))
		return
	}
	err := p.addAccount(r, body.Login, customer, password)
	switch {
	case errors.Is(err, store.ErrExists):
		// Logins are one namespace for every customer: say it is taken, not whose.
		p.apiError(w, r, http.StatusConflict, fmt.Sprintf(
			"the login %s is taken: FTP logins are unique on this server; choose another, such as %s-%s",
			body.Login, customer, body.Login))
		return
	case errors.Is(err, store.ErrNotFound):
		p.apiCustomerNotFound(w, r, customer)
		return
	case err != nil:
		p.apiServerError(w, r, err)
		return
	}
	p.writeAccount(w, r, http.StatusCreated, body.Login, generated)
}
