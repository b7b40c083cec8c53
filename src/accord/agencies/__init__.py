"""The agency tree: ministry, provincial, city and county bureaus, stations and foreign police."""
