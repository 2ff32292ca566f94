package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/maintsim/maintsim/scenarios"
)

func init() {
	var format string
	cmd := &cobra.Command{
		Use:   "invariants",
		Short: "List the invariants every run is checked against: ID, name, rules, when each holds",
		Long: `List the invariant catalogue (docs/invariants.md): ID, name, the rules of
SEMANTICS.md it checks, and the sentence saying when it holds. Invariants
marked fault-free judge only entities no fault (service stop, power off, tenant
disable) touched. A run is judged by the invariants of its semantics profile:
INV-01…INV-16 for vcc (Cloud Connect), INV-X* for exchange.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			w := cmd.OutOrStdout()
			switch format {
			case "json":
				type entry struct {
					ID        string   `json:"id"`
					Name      string   `json:"name"`
					Rules     []string `json:"rules"`
					Holds     string   `json:"holds"`
					FaultFree bool     `json:"fault_free"`
					Profile   string   `json:"profile"`
				}
				var out []entry
				for _, inv := range scenarios.Catalogue() {
					out = append(out, entry{inv.ID, inv.Name, inv.Rules, inv.Holds, inv.FaultFree, profileName(inv.Profile)})
				}
				enc := json.NewEncoder(w)
				enc.SetIndent("", "  ")
				return enc.Encode(out)
			case "text":
				for _, inv := range scenarios.Catalogue() {
					scope := ""
					if inv.FaultFree {
						scope = "  [fault-free]"
					}
					if inv.Profile != "" {
						scope += "  [profile " + inv.Profile + "]"
					}
					fmt.Fprintf(w, "%s  %-34s %s%s\n", inv.ID, inv.Name, strings.Join(inv.Rules, ", "), scope)
					fmt.Fprintf(w, "        %s\n", inv.Holds)
				}
				return nil
			}
			return badInput(fmt.Errorf("--format: want text or json, got %q", format))
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "stdout format: text or json")
	rootCmd.AddCommand(cmd)
}

// profileName names an Invariant.Profile ("" is the Cloud Connect profile).
func profileName(p string) string {
	if p == "" {
		return "vcc"
	}
	return p
}
