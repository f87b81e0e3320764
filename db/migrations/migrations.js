import journal from './meta/_journal.json';
import m0000 from './0000_furry_bucky.sql';

  export default {
    journal,
    migrations: {
      m0000
    }
  }
  