import { ReferenceErp } from '../../../connectors/erp/reference/reference-erp';
import { describeErpOutage } from '../testing/erp-outage.suite';
import { referenceBooks } from '../testing/erp-postings-kit';

// The fault: 500 postings, a 60 s outage in the middle, random 429s (runs about 70 s).
describeErpOutage('reference ERP', (db) => Promise.resolve({ erp: new ReferenceErp(db), booked: (ids) => referenceBooks(db, ids) }));
