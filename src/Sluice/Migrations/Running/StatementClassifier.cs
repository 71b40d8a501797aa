namespace Sluice.Migrations.Running;

/// <summary>
/// Classifies one top-level statement (as <see cref="SqlStatements"/> splits a script) by its leading keywords:
/// <code>
/// C1  BEGIN | START TRANSACTION, and COMMIT | ROLLBACK AND CHAIN   TransactionStart (AND CHAIN opens the next one at once)
/// C2  COMMIT | END | ABORT | ROLLBACK | PREPARE TRANSACTION        TransactionEnd
/// C3  SAVEPOINT | RELEASE | ROLLBACK TO | COMMIT/ROLLBACK PREPARED TransactionStep
/// C4  CREATE | ALTER | DROP  DATABASE | TABLESPACE                 Cluster
/// C5  CREATE | ALTER | DROP  ROLE | USER | GROUP (not USER MAPPING) Cluster
/// C6  ALTER SYSTEM                                                 Cluster
/// C7  GRANT | REVOKE  role TO | FROM role (no ON: a membership)    Cluster
/// C8  GRANT | REVOKE ... ON DATABASE | TABLESPACE                  Cluster
/// C9  REASSIGN OWNED                                               Cluster (it also moves databases and tablespaces)
/// C10 anything else, DO blocks and function bodies included       Database
/// </code>
/// Words inside quotes, quoted identifiers and dollar-quoted bodies never count, so a DO block or a string mentioning
/// COMMIT is not transaction control. What a DO block or a function runs is not looked into: PostgreSQL itself refuses
/// COMMIT there inside a transaction block, and a rehearsal runs scripts under a role that cannot reach the cluster.
/// </summary>
public static class StatementClassifier
{
    public static StatementKind Classify(string statement)
    {
        var words = Words(statement, 64);
        string At(int i) => i < words.Count ? words[i] : "";
        switch (At(0))
        {
            case "BEGIN":
                return StatementKind.TransactionStart;
            case "START" when At(1) == "TRANSACTION":
                return StatementKind.TransactionStart;
            case "COMMIT" or "ROLLBACK" when At(1) == "PREPARED":
                return StatementKind.TransactionStep;
            case "ROLLBACK" when At(1) == "TO" || (At(1) is "WORK" or "TRANSACTION" && At(2) == "TO"):
                return StatementKind.TransactionStep;
            case "COMMIT" or "END" or "ABORT" or "ROLLBACK":
                var chain = words.IndexOf("CHAIN");
                return chain > 0 && words[chain - 1] == "AND" ? StatementKind.TransactionStart : StatementKind.TransactionEnd;
            case "PREPARE" when At(1) == "TRANSACTION":
                return StatementKind.TransactionEnd;
            case "SAVEPOINT" or "RELEASE":
                return StatementKind.TransactionStep;
            case "ALTER" when At(1) == "SYSTEM":
                return StatementKind.Cluster;
            case "REASSIGN" when At(1) == "OWNED":
                return StatementKind.Cluster;
            case "CREATE" or "ALTER" or "DROP":
                return IsClusterObject(At(1), At(2)) ? StatementKind.Cluster : StatementKind.Database;
            case "GRANT" or "REVOKE":
                var on = words.IndexOf("ON");
                if (on < 0) return StatementKind.Cluster;
                return At(on + 1) is "DATABASE" or "TABLESPACE" ? StatementKind.Cluster : StatementKind.Database;
            default:
                return StatementKind.Database;
        }
    }

    private static bool IsClusterObject(string word, string next) =>
        word is "DATABASE" or "TABLESPACE" or "ROLE" or "GROUP"
        || (word == "USER" && next != "MAPPING");

    /// <summary>The first <paramref name="max"/> keywords and identifiers, upper-cased; quoted text is one token ("'").</summary>
    private static List<string> Words(string sql, int max)
    {
        var words = new List<string>();
        var i = 0;
        while (i < sql.Length && words.Count < max)
        {
            var c = sql[i];
            if (char.IsWhiteSpace(c)) i++;
            else if (c == '-' && i + 1 < sql.Length && sql[i + 1] == '-') i = End(sql, i, "\n");
            else if (c == '/' && i + 1 < sql.Length && sql[i + 1] == '*') i = End(sql, i + 2, "*/");
            else if (c is '\'' or '"' or '$')
            {
                var close = c == '$' ? sql.IndexOf('$', i + 1) : -1;
                i = c == '$' && close > i ? End(sql, close + 1, sql[i..(close + 1)]) : End(sql, i + 1, c.ToString());
                words.Add("'");
            }
            else if (char.IsLetter(c) || c == '_')
            {
                var start = i;
                while (i < sql.Length && (char.IsLetterOrDigit(sql[i]) || sql[i] is '_' or '$')) i++;
                words.Add(sql[start..i].ToUpperInvariant());
            }
            else i++;
        }
        return words;
    }

    private static int End(string sql, int from, string end)
    {
        var at = sql.IndexOf(end, from, StringComparison.Ordinal);
        return at < 0 ? sql.Length : at + end.Length;
    }
}
