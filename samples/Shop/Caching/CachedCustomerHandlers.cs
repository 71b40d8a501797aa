using Shop.Customers;

namespace Shop.Caching;

/// <summary>A version's handlers with customer reads served from <see cref="CustomerCache"/> once read.</summary>
public sealed class CachedCustomerHandlers(ICustomerHandlers inner, CustomerCache cache) : ICustomerHandlers
{
    public int Version => inner.Version;

    public async Task<CustomerView?> GetCustomerAsync(long id, CancellationToken cancellationToken)
    {
        if (cache.TryGet(id, out var cached)) return cached;
        var view = await inner.GetCustomerAsync(id, cancellationToken);
        if (view is not null) cache.Put(view);
        return view;
    }

    public Task<CustomerView> CreateCustomerAsync(NewCustomer customer, CancellationToken cancellationToken) =>
        inner.CreateCustomerAsync(customer, cancellationToken);

    public Task<IReadOnlyList<OrderView>> ListOrdersAsync(long customerId, CancellationToken cancellationToken) =>
        inner.ListOrdersAsync(customerId, cancellationToken);
}
