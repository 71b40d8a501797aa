using Shop;
using Shop.Caching;
using Shop.Faults;
using Shop.Health;

// The sample service: ConnectionStrings:Shop names the database, Shop:Version (1 or 2) which handlers run.
var builder = WebApplication.CreateBuilder(args);
var connectionString = builder.Configuration.GetConnectionString("Shop")
    ?? throw new InvalidOperationException("set ConnectionStrings__Shop to the shop database's Npgsql connection string");
builder.Services.AddShop(connectionString, builder.Configuration.GetValue("Shop:Version", 2), FaultSwitches.FromConfiguration(builder.Configuration),
    builder.Configuration.GetValue("Shop:CacheCustomers", false));
var app = builder.Build();
app.UseFaults();
app.MapShop();
app.MapHealth();
app.MapCache();
app.MapFaultAdmin();
app.Run();

/// <summary>Visible to tests that host the app.</summary>
public partial class Program;
