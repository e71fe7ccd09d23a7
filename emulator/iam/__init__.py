"""IAM authorization of calls made with role credentials: SAR data, policy evaluation, errors."""
