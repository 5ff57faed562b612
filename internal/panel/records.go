package panel

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/ftppanel/ftppanel/internal/store"
	"github.com/ftppanel/ftppanel/templates"
)

// What the history and the audit log pages share: whose records a user sees, and
// which page of them.

// recordsPerPage is how many rows one page of the history or the audit log shows.
const recordsPerPage = 100

// maxPage bounds the page number, so that its offset cannot overflow.
const maxPage = 1_000_000

// recordsCustomer is whose ended sessions and audit entries u sees: "" for
// everyone's (an admin), otherwise u's own customer's.
func recordsCustomer(u store.User) (string, error) {
	if u.IsAdmin() {
		return "", nil
	}
	if u.Customer == "" {
		// The store reads an empty customer as everyone's; never hand it one for a customer.
		return "", errors.New("customer user " + strconv.Quote(u.Name) + " has no customer")
	}
	return u.Customer, nil
}

// pageNumber reads the "page" parameter, counted from 1; without one it is 1.
func pageNumber(params url.Values) (int, bool) {
	s := params.Get("page")
	if s == "" {
		return 1, true
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > maxPage {
		return 0, false
	}
	return n, true
}

func (p *Panel) badPageNumber(w http.ResponseWriter, r *http.Request) {
	p.showError(w, r, http.StatusBadRequest, tr(r, "BadRequest"), tr(r, "BadPageNumber", "Max", maxPage))
}

// pager places page number page, which shows shown rows, and links it to its
// neighbours at path with the same filters; more says whether older rows exist.
func pager(path string, filters url.Values, page, shown int, more bool) templates.Pager {
	link := func(n int) string {
		q := url.Values{}
		for k, v := range filters {
			q[k] = v
		}
		if n > 1 {
			q.Set("page", strconv.Itoa(n))
		}
		if len(q) == 0 {
			return path
		}
		return path + "?" + q.Encode()
	}
	offset := (page - 1) * recordsPerPage
	pg := templates.Pager{First: offset + 1, Last: offset + shown}
	if page > 1 {
		pg.NewerURL = link(page - 1)
	}
	if more {
		pg.OlderURL = link(page + 1)
	}
	return pg
}
