package render

import "text/template/parse"

// eachNode calls visit on n and on every node below it in a template's
// parse tree, a node before the nodes it holds. The lists of if, range
// and with are followed, else branches too, as are the pipelines and
// arguments of actions; template calls are not: the called template is a
// tree of its own.
func eachNode(n parse.Node, visit func(parse.Node)) {
	switch n := n.(type) {
	case nil:
		return
	case *parse.ListNode:
		if n == nil {
			return
		}
		visit(n)
		for _, c := range n.Nodes {
			eachNode(c, visit)
		}
		return
	case *parse.PipeNode:
		if n == nil {
			return
		}
		visit(n)
		for _, c := range n.Cmds {
			eachNode(c, visit)
		}
		return
	}
	visit(n)
	switch n := n.(type) {
	case *parse.ActionNode:
		eachNode(n.Pipe, visit)
	case *parse.IfNode:
		eachBranch(&n.BranchNode, visit)
	case *parse.RangeNode:
		eachBranch(&n.BranchNode, visit)
	case *parse.WithNode:
		eachBranch(&n.BranchNode, visit)
	case *parse.TemplateNode:
		eachNode(n.Pipe, visit)
	case *parse.CommandNode:
		for _, a := range n.Args {
			eachNode(a, visit)
		}
	case *parse.ChainNode:
		eachNode(n.Node, visit)
	}
}

func eachBranch(b *parse.BranchNode, visit func(parse.Node)) {
	eachNode(b.Pipe, visit)
	eachNode(b.List, visit)
	eachNode(b.ElseList, visit)
}
