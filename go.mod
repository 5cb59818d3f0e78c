module github.com/tokencheck/tokencheck

go 1.26
