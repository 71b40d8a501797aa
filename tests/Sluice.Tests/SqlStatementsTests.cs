using Sluice.Migrations.Running;

namespace Sluice.Tests;

public sealed class SqlStatementsTests
{
    [Fact]
    public void Splits_at_top_level_semicolons_only()
    {
        var sql = """
            -- a comment; with a semicolon
            DO $$ BEGIN PERFORM 1; PERFORM 2; END $$;
            SELECT 'a;b', "odd;name" FROM t; /* block; comment */
            CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $body$ SELECT 1; $body$;
            SELECT 'it''s; fine';
            CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (c)
            """;
        var statements = SqlStatements.Split(sql);

        Assert.Equal(5, statements.Count);
        Assert.StartsWith("-- a comment; with a semicolon\nDO $$ BEGIN PERFORM 1; PERFORM 2; END $$", statements[0]);
        Assert.Equal("SELECT 'a;b', \"odd;name\" FROM t", statements[1]);
        Assert.StartsWith("/* block; comment */\nCREATE FUNCTION", statements[2]);
        Assert.Equal("SELECT 'it''s; fine'", statements[3]);
        Assert.Equal("CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (c)", statements[4]);
    }

    [Fact]
    public void Positional_parameters_are_not_dollar_quotes_and_comment_only_tails_are_dropped()
    {
        Assert.Equal(["SELECT $1, $2", "SELECT 3"], SqlStatements.Split("SELECT $1, $2; SELECT 3;\n-- done\n"));
    }

    [Fact]
    public void Each_statement_knows_the_line_its_code_starts_on_and_maps_a_server_position_into_the_file()
    {
        const string Sql = "-- header\n\nCREATE TABLE a (id int);\n/* note */ ALTER TABLE a\n  ADD COLUMN b nope;\nSELECT 1; SELECT 2;\n";

        var statements = SqlStatements.Parse(Sql);

        Assert.Equal([3, 4, 6, 6], statements.Select(s => s.Line));
        Assert.Equal("ALTER TABLE a\n  ADD COLUMN b nope", statements[1].Code);
        Assert.Equal(4, statements[1].LineAt(null));
        var position = statements[1].Text.IndexOf("nope", StringComparison.Ordinal) + 1;
        Assert.Equal(5, statements[1].LineAt(position));
        Assert.Equal(Sql.IndexOf("SELECT 2", StringComparison.Ordinal), statements[3].Offset);
    }
}
